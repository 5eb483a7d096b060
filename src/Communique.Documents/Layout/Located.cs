using System.Globalization;
using Communique.Documents.Model;

namespace Communique.Documents.Layout;

internal static class Located
{
    // "the table at line 12, column 5", for messages about a block.
    public static string Describe(Block block, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"the {what} at line {block.Line}, column {block.Column}");
}
