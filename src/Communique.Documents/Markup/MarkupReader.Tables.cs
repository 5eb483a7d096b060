using Communique.Documents.Model;
using A = Communique.Documents.Markup.MarkupAttribute;
using E = Communique.Documents.Markup.MarkupElement;

namespace Communique.Documents.Markup;

// Tables: columns, header rows and rows of cells. Every row leaves here spanning exactly the table's columns (short
// rows are completed with empty cells), so the layout can rely on it.
internal sealed partial class MarkupReader
{
    private const int MaxColumns = 1000;

    private TableBlock ReadTable(InheritedStyle parent, int line, int column)
    {
        ReadAttributes(E.Table, line, column);
        var style = Inherit(parent);
        var table = new TableBlock
        {
            Grid = BorderOf(A.Grid),
            CellPadding = EdgesOf(A.CellPadding) ?? Edges.All(3),
            Style = BlockStyleOf(BlockStyle.Default),
            Line = line,
            Column = column,
        };
        var columnsGiven = false;
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(E.Table);
                continue;
            }

            var (childLine, childColumn) = ElementPlace();
            var child = Enter();
            if (!Allowed(E.Table, child, childLine, childColumn))
            {
                continue;
            }

            switch (child)
            {
                case E.Columns:
                    var misplaced = table.HeaderRows.Count + table.Rows.Count > 0 || (columnsGiven && !_template);
                    if (misplaced)
                    {
                        Error(childLine, childColumn, "<columns> comes once in a <table>, before its rows.");
                    }

                    ReadColumns(columnsGiven ? [] : table.Columns, childLine, childColumn);
                    columnsGiven = true;
                    break;
                case E.HeaderRow:
                    if (table.Rows.Count > 0)
                    {
                        Error(childLine, childColumn, "<header-row> comes before the first <row> of its <table>.");
                    }

                    table.HeaderRows.Add(ReadRow(E.HeaderRow, style, childLine, childColumn));
                    break;
                case E.Row:
                    table.Rows.Add(ReadRow(E.Row, style, childLine, childColumn));
                    break;
            }
        }

        CompleteRows(table, columnsGiven);
        return table;
    }

    private void ReadColumns(List<ColumnSpec> columns, int line, int column)
    {
        ReadAttributes(E.Columns, line, column);
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(E.Columns);
                continue;
            }

            var (childLine, childColumn) = ElementPlace();
            if (!Allowed(E.Columns, Enter(), childLine, childColumn))
            {
                continue;
            }

            ReadAttributes(E.Column, childLine, childColumn);
            var width = String(A.Width);
            var spec = new ColumnSpec(ColumnWidth.Relative, 1);
            if (width is not null && !MarkupValues.TryColumnWidth(width, out spec))
            {
                Invalid(A.Width, width, "a length (30mm), a share of the rest (2* or *) or auto");
            }

            if (columns.Count == MaxColumns)
            {
                Error(childLine, childColumn, $"A table has at most {MaxColumns} columns.");
            }

            columns.Add(spec);
            ReadEmpty(E.Column);
        }
    }

    private TableRow ReadRow(E kind, InheritedStyle parent, int line, int column)
    {
        ReadAttributes(kind, line, column);
        var style = Inherit(parent);
        var row = new TableRow { Background = ColorOf(A.Background), Line = line, Column = column };
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(kind);
                continue;
            }

            var (cellLine, cellColumn) = ElementPlace();
            if (!Allowed(kind, Enter(), cellLine, cellColumn))
            {
                continue;
            }

            ReadAttributes(E.Cell, cellLine, cellColumn);
            var cellStyle = Inherit(style);
            var cell = new TableCell
            {
                ColumnSpan = Integer(A.Colspan, 1, MaxColumns) ?? 1,
                Background = ColorOf(A.Background),
                Padding = EdgesOf(A.Padding),
                VerticalAlign = Choice(A.Valign, VerticalAligns) ?? VerticalAlign.Top,
            };
            ReadFlow(E.Cell, cellStyle, cell.Content);
            cell.Content.TrimExcess();
            row.Cells.Add(cell);
        }

        row.Cells.TrimExcess();
        return row;
    }

    // Without <columns>, the widest row's span in equal shares. In a template the rows may hold both branches of a
    // Liquid condition, so spans are not compared there.
    private void CompleteRows(TableBlock table, bool columnsGiven)
    {
        var widest = 0;
        foreach (var row in table.HeaderRows.Concat(table.Rows))
        {
            var span = Span(row);
            widest = Math.Max(widest, span);
            if (columnsGiven && span > table.Columns.Count && !_template)
            {
                Error(row.Line, row.Column,
                    $"The cells of this row span {span} columns; its table has {table.Columns.Count} <column>s.");
            }
        }

        if (!columnsGiven)
        {
            for (var i = 0; i < Math.Min(widest, MaxColumns); i++)
            {
                table.Columns.Add(new ColumnSpec(ColumnWidth.Relative, 1));
            }
        }

        foreach (var row in table.HeaderRows.Concat(table.Rows))
        {
            for (var span = Span(row); span < table.Columns.Count; span++)
            {
                row.Cells.Add(new TableCell());
            }
        }
    }

    private static int Span(TableRow row)
    {
        var span = 0;
        foreach (var cell in row.Cells)
        {
            span += cell.ColumnSpan;
        }

        return span;
    }
}
