namespace Communique.DataSources.Import;

// The field types as the API names them (a data source's schema): string, number, date, time, datetime, boolean, array.
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming", "CA1720:Identifier contains type name", Justification = "The product's type names.")]
public enum FieldType
{
    String,
    Number,
    Date,
    Time,
    DateTime,
    Boolean,

    // A repeater: a list of items, each with fields of its own.
    Array,
}
