using System.Globalization;

namespace Kernel.Update.Rollback.Cli.Cli;

/// <summary>Durations on the command line: "90" (seconds), "250ms", "30s", "5m", "2h", "1d".</summary>
internal static class Durations
{
    public static TimeSpan? Option(ParsedArguments args, string option)
    {
        string? text = args.Value(option);
        if (text is null)
            return null;
        return Parse(text) is { } value && value > TimeSpan.Zero
            ? value
            : throw ParsedArguments.Usage($"{option} '{text}' is not a positive duration (like 90, 250ms, 30s, 5m, 2h, 1d)");
    }

    private static TimeSpan? Parse(string text)
    {
        (string number, double unit) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1),
            _ when text.EndsWith('m') => (text[..^1], 60),
            _ when text.EndsWith('h') => (text[..^1], 3600),
            _ when text.EndsWith('d') => (text[..^1], 86400),
            _ => (text, 1),
        };
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value * unit <= 366 * 86400.0
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }
}
