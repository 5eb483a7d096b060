namespace Communique.Rendering;

public enum RenderFailureKind
{
    MissingField,
    OutputLimit,
    StepLimit,
    CollectionLimit,
    TimeLimit,
    TemplateError,
}
