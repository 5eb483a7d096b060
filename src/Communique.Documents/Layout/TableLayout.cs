using Communique.Documents.Model;
using Communique.Documents.Text;

namespace Communique.Documents.Layout;

// A table's columns and rows: fixed columns take their width, auto columns what their content needs (between its
// widest unbreakable piece and its width on one line) and relative columns share what is left by their weights.
internal sealed class TableLayout(FlowBuilder flow, TableBlock table)
{
    // The header rows, then each row as it is asked for.
    public IEnumerable<Slab> Rows(float width, float indent, Frame[]? frames)
    {
        var columns = ColumnCount();
        if (columns == 0)
        {
            yield break;
        }

        var widths = ColumnWidths(columns, width);
        var source = Located.Describe(table, "table");
        var headers = table.HeaderRows.Select(r => Row(r, widths, indent, frames, source)).ToList();
        var run = new TableRun(headers);
        foreach (var header in headers)
        {
            header.Table = run;
            header.IsTableHeader = true;
            header.KeepWithNext = table.Rows.Count > 0 || header != headers[^1];
            yield return header;
        }

        foreach (var row in table.Rows)
        {
            var slab = Row(row, widths, indent, frames, source);
            slab.Table = run;
            yield return slab;
        }
    }

    private int ColumnCount()
    {
        var spanned = table.HeaderRows.Concat(table.Rows).Select(r => r.Cells.Sum(c => Math.Max(1, c.ColumnSpan)));
        return Math.Max(table.Columns.Count, spanned.DefaultIfEmpty(0).Max());
    }

    private RowSlab Row(TableRow row, float[] widths, float indent, Frame[]? frames, string source)
    {
        var cells = new List<RowSlab.Cell>(row.Cells.Count);
        var column = 0;
        foreach (var cell in row.Cells)
        {
            var span = Math.Clamp(cell.ColumnSpan, 1, widths.Length - column);
            if (span <= 0)
            {
                throw new DocumentException(
                    $"A row of {source} has more cells than the table's {widths.Length} columns.");
            }

            var left = widths.Take(column).Sum();
            var cellWidth = widths.Skip(column).Take(span).Sum();
            var padding = cell.Padding ?? table.CellPadding;
            var inner = Math.Max(1, cellWidth - padding.Horizontal);
            var content = flow.Build(cell.Content, inner);
            cells.Add(new RowSlab.Cell(left, cellWidth, padding, cell.Background, cell.VerticalAlign, content));
            column += span;
        }

        return new RowSlab(cells, widths.Sum(), row.Background, table.Grid)
        {
            Source = source, Indent = indent, Frames = frames,
        };
    }

    private float[] ColumnWidths(int count, float width)
    {
        var specs = Enumerable.Range(0, count)
            .Select(i => i < table.Columns.Count ? table.Columns[i] : new ColumnSpec(ColumnWidth.Relative, 1))
            .ToArray();
        var widths = new float[count];
        var left = width;
        for (var i = 0; i < count; i++)
        {
            if (specs[i].Kind == ColumnWidth.Fixed)
            {
                widths[i] = specs[i].Value;
                left -= widths[i];
            }
        }

        var autos = Enumerable.Range(0, count).Where(i => specs[i].Kind == ColumnWidth.Auto).ToArray();
        var relatives = Enumerable.Range(0, count).Where(i => specs[i].Kind == ColumnWidth.Relative).ToArray();
        if (autos.Length > 0)
        {
            var (min, max) = ContentWidths(autos);
            // With relative columns beside them, auto columns take at most half of what is left.
            var budget = relatives.Length > 0 ? Math.Max(min.Sum(), Math.Min(max.Sum(), left / 2)) : left;
            var (minSum, maxSum) = (min.Sum(), max.Sum());
            for (var k = 0; k < autos.Length; k++)
            {
                widths[autos[k]] = maxSum <= budget
                    ? max[k] + (relatives.Length == 0 && maxSum > 0 ? (budget - maxSum) * max[k] / maxSum : 0)
                    : minSum < budget
                        ? min[k] + (max[k] - min[k]) * (budget - minSum) / (maxSum - minSum)
                        : budget * (minSum > 0 ? min[k] / minSum : 1f / autos.Length);
            }

            left -= autos.Sum(i => widths[i]);
        }

        var weights = relatives.Sum(i => Math.Max(0, specs[i].Value));
        foreach (var i in relatives)
        {
            widths[i] = weights > 0 ? Math.Max(0, left) * Math.Max(0, specs[i].Value) / weights : 0;
        }

        if (widths.Any(w => w <= 0))
        {
            throw new DocumentException(
                $"The columns of {Located.Describe(table, "table")} do not fit its width of {width:0.#}pt.");
        }

        return widths;
    }

    // Each auto column's narrowest and widest content, padding included, over the cells spanning it alone.
    private (float[] Min, float[] Max) ContentWidths(int[] autos)
    {
        var min = new float[autos.Length];
        var max = new float[autos.Length];
        foreach (var row in table.HeaderRows.Concat(table.Rows))
        {
            var column = 0;
            foreach (var cell in row.Cells)
            {
                var k = Array.IndexOf(autos, column);
                column += Math.Max(1, cell.ColumnSpan);
                if (k < 0 || cell.ColumnSpan > 1)
                {
                    continue;
                }

                var padding = (cell.Padding ?? table.CellPadding).Horizontal;
                foreach (var paragraph in Paragraphs(cell.Content))
                {
                    var layout = flow.Paragraph(paragraph, float.MaxValue / 4);
                    min[k] = Math.Max(min[k], layout.MinContentWidth + padding);
                    max[k] = Math.Max(max[k], layout.MaxContentWidth + padding);
                }
            }
        }

        return (min, max);
    }

    private static IEnumerable<ParagraphBlock> Paragraphs(IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            if (block is ParagraphBlock paragraph)
            {
                yield return paragraph;
            }
            else if (block is GroupBlock group)
            {
                foreach (var inner in Paragraphs(group.Content))
                {
                    yield return inner;
                }
            }
        }
    }
}
