namespace Communique.Rendering;

internal enum DateFieldKind
{
    Date,
    Time,
    DateTime,
}
