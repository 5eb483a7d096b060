namespace Communique.Documents.Model;

// A piece of a paragraph's content.
public abstract record Inline;
