namespace Communique.DataSources.Import;

// The names are the product's (PRODUCT.md §4): string, number, date, time, datetime, boolean, array.
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
