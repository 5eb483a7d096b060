using Communique.Documents.Model;

namespace Communique.Documents.Layout;

// The images a document shows, by the names its markup gives them, each once: so that a caller can load them all
// before laying the document out.
public static class ImageNames
{
    public static IReadOnlySet<string> Of(DocumentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var names = new HashSet<string>(StringComparer.Ordinal);
        Add(spec.Body, names);
        foreach (var running in new[] { spec.Header, spec.Footer, spec.FirstHeader, spec.FirstFooter })
        {
            Add(running?.Content ?? [], names);
        }

        foreach (var box in spec.Boxes)
        {
            Add(box.Content, names);
        }

        return names;
    }

    private static void Add(IEnumerable<Block> blocks, HashSet<string> names)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ImageBlock image:
                    names.Add(image.Source);
                    break;
                case GroupBlock group:
                    Add(group.Content, names);
                    break;
                case BoxBlock box:
                    Add(box.Content, names);
                    break;
                case ListBlock list:
                    foreach (var item in list.Items)
                    {
                        Add(item, names);
                    }

                    break;
                case TableBlock table:
                    foreach (var row in table.HeaderRows.Concat(table.Rows))
                    {
                        foreach (var cell in row.Cells)
                        {
                            Add(cell.Content, names);
                        }
                    }

                    break;
            }
        }
    }
}
