using System.Globalization;
using System.Xml;

namespace Communique.DataSources.Import;

// XLSX: the first worksheet, its first non-empty row the header, read row by row from the
// sheet XML. Only the shared strings table is held in memory (Excel writes each distinct text
// once there). Numeric cells are written in the data standard's notation without grouping and
// cells formatted as dates or times as ISO-8601, so one set of parsing rules serves every format.
// The line of a record is its row number as Excel shows it.
internal sealed class XlsxSourceReader : SourceReader
{
    private const string Workbook = "xl/workbook.xml";
    private const string WorkbookRelations = "xl/_rels/workbook.xml.rels";
    private const string Styles = "xl/styles.xml";
    private const string SharedStrings = "xl/sharedStrings.xml";

    private enum CellFormat
    {
        Number,
        Date,
        Time,
        DateTime,
    }

    private readonly XlsxPackage _package;
    private readonly DataStandard _standard;
    private readonly bool _date1904;
    private readonly List<CellFormat> _styles = [];
    private readonly List<string> _strings = [];
    private readonly string _sheetPart;
    private readonly XmlReader _sheet;
    private readonly SourceFieldSet _fields;
    private readonly List<(int Column, string Value)> _cells = [];
    private int _width;
    private long _rowNumber;

    public XlsxSourceReader(Stream stream, DataStandard standard, ImportLimits limits) : base(limits)
    {
        _standard = standard;
        _package = new XlsxPackage(stream, limits);
        try
        {
            string sheetId;
            (sheetId, _date1904) = ReadPart(Workbook, ReadWorkbook);
            _sheetPart = ReadPart(WorkbookRelations, r => ResolveSheet(r, sheetId));
            if (_package.Has(Styles))
            {
                ReadPart(Styles, ReadStyles);
            }
            if (_package.Has(SharedStrings))
            {
                ReadPart(SharedStrings, ReadSharedStrings);
            }
            _sheet = _package.Open(_sheetPart);
            _fields = ReadPart(_sheetPart, _ => ReadHeader(), open: false);
        }
        catch
        {
            Dispose(true);
            throw;
        }
    }

    public override SourceFieldSet Fields => _fields;

    private protected override IEnumerable<SourceRecord> Read(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = ReadPart(_sheetPart, _ => NextRecord(), open: false);
            if (record is null)
            {
                yield break;
            }
            yield return record;
        }
    }

    private T ReadPart<T>(string part, Func<XmlReader, T> read, bool open = true)
    {
        try
        {
            if (!open)
            {
                return read(_sheet);
            }
            using var xml = _package.Open(part);
            return read(xml);
        }
        catch (Exception e) when (e is XmlException or InvalidDataException or SourceDataException or IOException)
        {
            throw XlsxPackage.Refusal(e, part);
        }
    }

    private void ReadPart(string part, Action<XmlReader> read) => ReadPart(part, xml =>
    {
        read(xml);
        return 0;
    });

    private static (string SheetRelation, bool Date1904) ReadWorkbook(XmlReader xml)
    {
        var date1904 = false;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            if (xml.LocalName == "workbookPr")
            {
                date1904 = xml.GetAttribute("date1904") is "1" or "true";
            }
            else if (xml.LocalName == "sheet")
            {
                for (var more = xml.MoveToFirstAttribute(); more; more = xml.MoveToNextAttribute())
                {
                    if (xml.LocalName == "id" && xml.NamespaceURI.Length > 0)
                    {
                        return (xml.Value, date1904);
                    }
                }
            }
        }
        throw new SourceDataException(SourceProblem.Malformed, "The workbook has no worksheet.");
    }

    private static string ResolveSheet(XmlReader xml, string relation)
    {
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Relationship"
                && xml.GetAttribute("Id") == relation && xml.GetAttribute("Target") is { } target)
            {
                if (target.StartsWith('/'))
                {
                    return target[1..];
                }
                var path = new List<string>(["xl"]);
                foreach (var segment in target.Split('/'))
                {
                    if (segment == "..")
                    {
                        if (path.Count > 0)
                        {
                            path.RemoveAt(path.Count - 1);
                        }
                    }
                    else if (segment is not ("." or ""))
                    {
                        path.Add(segment);
                    }
                }
                return string.Join('/', path);
            }
        }
        throw new SourceDataException(
            SourceProblem.Malformed, "The workbook does not say where its first worksheet is.");
    }

    // Which cell styles show a number as a date or a time: Excel stores dates as day counts.
    private void ReadStyles(XmlReader xml)
    {
        var custom = new Dictionary<int, CellFormat>();
        var inCellFormats = false;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "cellXfs")
            {
                inCellFormats = false;
            }
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            switch (xml.LocalName)
            {
                case "numFmt" when int.TryParse(xml.GetAttribute("numFmtId"), CultureInfo.InvariantCulture, out var id):
                    custom[id] = Classify(xml.GetAttribute("formatCode") ?? "");
                    break;
                case "cellXfs":
                    inCellFormats = !xml.IsEmptyElement;
                    break;
                case "xf" when inCellFormats:
                    var format = int.TryParse(
                        xml.GetAttribute("numFmtId"), CultureInfo.InvariantCulture, out var formatId)
                        ? formatId
                        : 0;
                    _styles.Add(custom.TryGetValue(format, out var kind) ? kind : BuiltIn(format));
                    break;
            }
        }
    }

    private static CellFormat BuiltIn(int id) => id switch
    {
        >= 14 and <= 17 or >= 27 and <= 36 or >= 50 and <= 58 => CellFormat.Date,
        >= 18 and <= 21 or 45 or 47 => CellFormat.Time,
        22 => CellFormat.DateTime,
        _ => CellFormat.Number,
    };

    // A custom format code shows a date if, outside quoted text and [brackets], it has day, month
    // or year tokens, and a time if it has hours or seconds. [h] is a duration: a number.
    private static CellFormat Classify(string code)
    {
        bool date = false, time = false, minutes = false;
        for (var i = 0; i < code.Length; i++)
        {
            switch (char.ToLowerInvariant(code[i]))
            {
                case '"':
                    var close = code.IndexOf('"', i + 1);
                    i = close < 0 ? code.Length : close;
                    break;
                case '\\' or '_' or '*':
                    i++;
                    break;
                case '[':
                    var end = code.IndexOf(']', i + 1);
                    var inside = end < 0 ? "" : code[(i + 1)..end].ToLowerInvariant();
                    if (inside.Length > 0 && inside.All(c => c is 'h' or 'm' or 's'))
                    {
                        return CellFormat.Number;
                    }
                    i = end < 0 ? code.Length : end;
                    break;
                case 'd' or 'y':
                    date = true;
                    break;
                case 'h' or 's':
                    time = true;
                    break;
                case 'm':
                    minutes = true;
                    break;
            }
        }
        date |= minutes && !time;
        return (date, time) switch
        {
            (true, true) => CellFormat.DateTime,
            (true, false) => CellFormat.Date,
            (false, true) => CellFormat.Time,
            _ => CellFormat.Number,
        };
    }

    private void ReadSharedStrings(XmlReader xml)
    {
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si")
            {
                _strings.Add(ReadRichText(xml));
            }
        }
    }

    // The text of a shared or inline string (its <t> elements, without phonetic runs <rPh>), or
    // of a <v> element when inT is false from the start.
    private static string ReadRichText(XmlReader xml, bool textOnlyInT = true)
    {
        if (xml.IsEmptyElement)
        {
            return "";
        }
        var depth = xml.Depth;
        string? single = null;
        System.Text.StringBuilder? many = null;
        var phonetic = 0;
        var inT = !textOnlyInT;
        while (xml.Read() && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Element when xml.LocalName == "rPh" && !xml.IsEmptyElement:
                    phonetic++;
                    break;
                case XmlNodeType.EndElement when xml.LocalName == "rPh":
                    phonetic--;
                    break;
                case XmlNodeType.Element when xml.LocalName == "t" && textOnlyInT:
                    inT = !xml.IsEmptyElement;
                    break;
                case XmlNodeType.EndElement when xml.LocalName == "t" && textOnlyInT:
                    inT = false;
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA
                    or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace
                    when inT && phonetic == 0:
                    if (single is null)
                    {
                        single = xml.Value;
                    }
                    else
                    {
                        (many ??= new System.Text.StringBuilder(single)).Append(xml.Value);
                    }
                    break;
            }
        }
        return many?.ToString() ?? single ?? "";
    }

    private SourceFieldSet ReadHeader()
    {
        while (ReadRow())
        {
            if (_cells.Count == 0)
            {
                continue;
            }
            _width = _cells.Max(c => c.Column) + 1;
            var names = new string[_width];
            Array.Fill(names, "");
            foreach (var (column, value) in _cells)
            {
                names[column] = value;
            }
            return SourceFieldSet.FromHeader(names, Limits, ColumnName, _rowNumber, "row");
        }
        throw new SourceDataException(SourceProblem.BadHeader,
            "The first worksheet is empty. Its first row should name the fields.", 1);
    }

    private SourceRecord? NextRecord()
    {
        while (ReadRow())
        {
            if (_cells.Count == 0)
            {
                continue;
            }
            var values = new string[_width];
            Array.Fill(values, "");
            foreach (var (column, value) in _cells)
            {
                if (column >= _width)
                {
                    throw new SourceDataException(SourceProblem.RaggedRow,
                        $"Row {_rowNumber} has a value in column {ColumnName(column)}, " +
                        $"right of the last named column ({ColumnName(_width - 1)}). " +
                        "Name that column in the header row or clear the cell.", _rowNumber);
                }
                values[column] = value;
            }
            return new SourceRecord(_rowNumber, values);
        }
        return null;
    }

    // Moves to the next <row> and collects its non-empty cells; false after the last row.
    private bool ReadRow()
    {
        _cells.Clear();
        while (_sheet.Read())
        {
            if (_sheet.NodeType == XmlNodeType.EndElement && _sheet.LocalName == "sheetData")
            {
                return false;
            }
            if (_sheet.NodeType != XmlNodeType.Element || _sheet.LocalName != "row")
            {
                continue;
            }
            _rowNumber = long.TryParse(_sheet.GetAttribute("r"), CultureInfo.InvariantCulture, out var r)
                ? r
                : _rowNumber + 1;
            if (_sheet.IsEmptyElement)
            {
                return true;
            }
            var depth = _sheet.Depth;
            var column = -1;
            while (_sheet.Read() && !(_sheet.NodeType == XmlNodeType.EndElement && _sheet.Depth == depth))
            {
                if (_sheet.NodeType == XmlNodeType.Element && _sheet.LocalName == "c")
                {
                    column = _sheet.GetAttribute("r") is { } reference && ColumnIndex(reference) is >= 0 and var at
                        ? at
                        : column + 1;
                    if (column >= Limits.MaxFields)
                    {
                        throw new SourceDataException(SourceProblem.TooLarge,
                            $"Row {_rowNumber} has a value in column {ColumnName(column)}; " +
                            $"the limit is {Limits.MaxFields} columns.", _rowNumber);
                    }
                    var value = ReadCell();
                    if (value.Length > 0)
                    {
                        _cells.Add((column, value));
                    }
                }
            }
            return true;
        }
        return false;
    }

    private string ReadCell()
    {
        var type = _sheet.GetAttribute("t");
        var style = int.TryParse(_sheet.GetAttribute("s"), CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (_sheet.IsEmptyElement)
        {
            return "";
        }
        var depth = _sheet.Depth;
        string? raw = null;
        while (_sheet.Read() && !(_sheet.NodeType == XmlNodeType.EndElement && _sheet.Depth == depth))
        {
            if (_sheet.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            if (_sheet.LocalName == "v")
            {
                raw = ReadRichText(_sheet, textOnlyInT: false);
            }
            else if (_sheet.LocalName == "is")
            {
                raw = ReadRichText(_sheet);
            }
        }
        if (raw is null)
        {
            return "";
        }
        return type switch
        {
            "s" => SharedString(raw),
            "b" => raw.Trim() == "1" ? "true" : "false",
            "str" or "inlineStr" or "e" or "d" => raw,
            _ => Number(raw, style < _styles.Count ? _styles[style] : CellFormat.Number),
        };
    }

    private string SharedString(string raw)
    {
        if (int.TryParse(raw, CultureInfo.InvariantCulture, out var index) && (uint)index < (uint)_strings.Count)
        {
            return _strings[index];
        }
        throw new SourceDataException(SourceProblem.Malformed,
            $"Row {_rowNumber} refers to text the workbook does not have; save it again as .xlsx and upload it.",
            _rowNumber);
    }

    private string Number(string raw, CellFormat format)
    {
        if (format != CellFormat.Number
            && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial))
        {
            if (_date1904)
            {
                serial += 1462;
            }
            if (serial is > -657435 and < 2958466)
            {
                var moment = DateTime.FromOADate(serial);
                moment = new DateTime(
                    moment.Ticks - moment.Ticks % TimeSpan.TicksPerSecond
                    + (moment.Millisecond >= 500 ? TimeSpan.TicksPerSecond : 0));
                return format switch
                {
                    CellFormat.Date => moment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    CellFormat.Time => moment.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                    _ => moment.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                };
            }
        }
        return decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number.ToString(_standard.Culture)
            : raw;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }
            index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
            if (index > 1 << 20)
            {
                break;
            }
        }
        return index - 1;
    }

    private static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + (n - 1) % 26) + name;
        }
        return name;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sheet?.Dispose();
            _package.Dispose();
        }
        base.Dispose(disposing);
    }
}
