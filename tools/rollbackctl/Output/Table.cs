using System.Text;

namespace Kernel.Update.Rollback.Cli.Output;

/// <summary>Plain aligned text tables for people; scripts use --json.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        var widths = new int[headers.Length];
        for (int c = 0; c < headers.Length; c++)
        {
            widths[c] = headers[c].Length;
            foreach (var row in _rows)
                widths[c] = Math.Max(widths[c], row[c].Length);
        }
        var text = new StringBuilder();
        Append(text, headers, widths);
        foreach (var row in _rows)
            Append(text, row, widths);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string[] cells, int[] widths)
    {
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
                text.Append("  ");
            text.Append(c == cells.Length - 1 ? cells[c] : cells[c].PadRight(widths[c]));
        }
        text.AppendLine();
    }
}
