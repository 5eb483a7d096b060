namespace Communique.Communications;

// Where a Liquid template in content does not parse: line and column within that template.
public sealed record TemplateProblem(int Line, int Column, string Message);
