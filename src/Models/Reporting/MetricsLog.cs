using System.Globalization;
using System.Text;

namespace WirelessGnn.Models.Reporting;

/// <summary>
/// <c>metrics.csv</c>, written as training goes: a header <c>step,&lt;keys&gt;</c> fixed by the first row (or given
/// up front), then one line per <see cref="Append"/>, flushed at once so a crashed or running job can be plotted.
/// A row may leave columns empty; a key outside the columns is refused, since a CSV cannot grow columns later.
/// </summary>
/// <remarks>Numbers use the invariant culture in round-trip form; NaN and infinities are written as NaN, Infinity, -Infinity.</remarks>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly List<(long Step, IReadOnlyDictionary<string, double> Values)> _rows = new();
    private List<string>? _columns;

    /// <summary>Creates (or overwrites) <paramref name="path"/>; the columns are the first row's keys in their order.</summary>
    public MetricsLog(string path) : this(path, columns: null, append: false) { }

    /// <summary>
    /// Opens <paramref name="path"/> with the columns fixed in advance (when later rows bring keys the first lacks, e.g.
    /// a validation metric every 100 steps), or, with <paramref name="append"/>, continues an existing file
    /// (resume): its header fixes the columns and its rows are read into <see cref="Rows"/>.
    /// </summary>
    public MetricsLog(string path, IEnumerable<string>? columns, bool append = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        bool continuing = append && File.Exists(path) && new FileInfo(path).Length > 0;
        if (continuing)
        {
            var (header, rows) = Read(path);
            _columns = header;
            _rows.AddRange(rows);
            if (columns is not null && !columns.All(header.Contains))
                throw new ArgumentException($"columns: '{path}' has columns [{string.Join(", ", header)}], which lack [{string.Join(", ", columns.Where(c => !header.Contains(c)))}].", nameof(columns));
        }
        else if (columns is not null)
        {
            _columns = Validate(columns.ToList(), nameof(columns));
        }

        _writer = new StreamWriter(new FileStream(path, continuing ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false))
        {
            NewLine = "\n",
        };
        if (!continuing && _columns is not null) WriteHeader();
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>The metric columns (after <c>step</c>), null until the first row fixes them.</summary>
    public IReadOnlyList<string>? Columns => _columns;

    /// <summary>Every row appended (and, when continuing a file, read), in order.</summary>
    public IReadOnlyList<(long Step, IReadOnlyDictionary<string, double> Values)> Rows => _rows;

    /// <summary>Writes one row and flushes it.</summary>
    /// <exception cref="ArgumentException">A key is not one of the columns; the message names it and the columns.</exception>
    public void Append(long step, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_columns is null)
        {
            if (values.Count == 0) throw new ArgumentException($"values: the first row fixes the columns of '{Path}' and has none.", nameof(values));
            _columns = Validate(values.Keys.ToList(), nameof(values));
            WriteHeader();
        }
        foreach (var key in values.Keys)
            if (!_columns.Contains(key))
                throw new ArgumentException($"values: '{key}' is not a column of '{Path}' (columns: step, {string.Join(", ", _columns)}); " +
                                            "fix the columns up front with new MetricsLog(path, columns).", nameof(values));

        var line = new StringBuilder();
        line.Append(step.ToString(CultureInfo.InvariantCulture));
        foreach (var column in _columns)
        {
            line.Append(',');
            if (values.TryGetValue(column, out var v)) line.Append(v.ToString("R", CultureInfo.InvariantCulture));
        }
        _writer.WriteLine(line.ToString());
        _writer.Flush();
        _rows.Add((step, new Dictionary<string, double>(values)));
    }

    /// <summary>Reads a metrics CSV: its metric columns (after <c>step</c>) and its rows, empty cells left out.</summary>
    public static (List<string> Columns, List<(long Step, IReadOnlyDictionary<string, double> Values)> Rows) Read(string path)
    {
        using var reader = new StreamReader(path);
        var headerLine = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty: no header.");
        var header = SplitCsv(headerLine);
        if (header.Count == 0 || header[0] != "step") throw new InvalidDataException($"'{path}': the first column must be 'step', found '{header.FirstOrDefault()}'.");
        var columns = header.Skip(1).ToList();
        var rows = new List<(long, IReadOnlyDictionary<string, double>)>();
        int lineNumber = 1;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var cells = SplitCsv(line);
            if (cells.Count != header.Count) throw new InvalidDataException($"'{path}' line {lineNumber}: {cells.Count} cells, expected {header.Count}.");
            if (!long.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var step))
                throw new InvalidDataException($"'{path}' line {lineNumber}: step '{cells[0]}' is not an integer.");
            var values = new Dictionary<string, double>();
            for (int i = 1; i < cells.Count; i++)
            {
                if (cells[i].Length == 0) continue;
                if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new InvalidDataException($"'{path}' line {lineNumber}: '{header[i]}' = '{cells[i]}' is not a number.");
                values[header[i]] = v;
            }
            rows.Add((step, values));
        }
        return (columns, rows);
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _writer.Dispose();
    }

    private void WriteHeader()
    {
        _writer.WriteLine(string.Join(",", new[] { "step" }.Concat(_columns!).Select(Quote)));
        _writer.Flush();
    }

    private static List<string> Validate(List<string> columns, string parameter)
    {
        foreach (var c in columns)
            if (string.IsNullOrEmpty(c) || c == "step")
                throw new ArgumentException($"{parameter}: column name '{c}' is empty or the reserved 'step'.", parameter);
        var duplicate = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"{parameter}: column '{duplicate.Key}' appears twice.", parameter);
        return columns;
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
