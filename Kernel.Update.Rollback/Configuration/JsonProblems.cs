using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>Turns what System.Text.Json reports into sentences for the person editing the file.</summary>
internal static class JsonProblems
{
    /// <summary>"line 3, column 17: ..." from a syntax or type error; positions are 1-based as editors show them.</summary>
    public static string Describe(JsonException e)
    {
        string where = e.LineNumber is long line
            ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}"
            : "the file";
        string what = e.Message;
        // The built-in message repeats the position and names .NET types; keep only the first sentence.
        int cut = what.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
            what = what[..cut];
        what = what.TrimEnd('.');
        if (what.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
            what = $"{e.Path ?? "a value"} should be {Expected(what)}";
        else if (what.StartsWith("Duplicate property ", StringComparison.Ordinal))
            what = $"{e.Path ?? "a property"} is given twice";
        else if (e.Path is { Length: > 1 } path)
            what = $"{what} (at {path})";
        return $"{where}: {what}";
    }

    /// <summary>Reports each property the format does not know, where it is, and the closest known one.</summary>
    public static void Unknown(Dictionary<string, JsonElement>? unknown, JsonTypeInfo type, string where, List<string> problems)
    {
        if (unknown is null)
            return;
        var known = type.Properties.Where(p => !p.IsExtensionData).Select(p => p.Name).ToArray();
        foreach (string name in unknown.Keys)
        {
            string? close = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                ?? known.FirstOrDefault(k => Distance(k, name) <= 2)
                ?? known.FirstOrDefault(k => name.Length >= 4 && k.StartsWith(name, StringComparison.OrdinalIgnoreCase));
            string hint = close is null ? $"known: {string.Join(", ", known)}" : $"did you mean '{close}'?";
            problems.Add($"{where}: unknown property '{name}' ({hint})");
        }
    }

    // Collections first: "List`1[System.String]" also names System.String.
    private static string Expected(string message) =>
        message.Contains("System.Collections.Generic.List", StringComparison.Ordinal) ? "an array"
        : message.Contains("System.String", StringComparison.Ordinal) ? "a string"
        : message.Contains("System.Boolean", StringComparison.Ordinal) ? "true or false"
        : message.Contains("System.Int32", StringComparison.Ordinal) || message.Contains("System.Int64", StringComparison.Ordinal) ? "a whole number in range"
        : message.Contains("System.Double", StringComparison.Ordinal) ? "a number"
        : message.Contains("Document", StringComparison.Ordinal) ? "an object"
        : "of another type";

    /// <summary>Levenshtein distance; names are short, so the quadratic table is fine.</summary>
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
