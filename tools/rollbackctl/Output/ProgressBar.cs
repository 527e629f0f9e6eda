namespace Kernel.Update.Rollback.Cli.Output;

/// <summary>One progress line on stderr, rewritten in place: a bar, the percentage and what is going on. Only on a
/// terminal and only for people: never in logs, pipes or --json runs.</summary>
internal static class ProgressBar
{
    private const int BarWidth = 24;
    private const int LineWidth = 100;

    public static bool Wanted(bool json) => !json && !Console.IsErrorRedirected;

    public static string Render(int percent, string what)
    {
        percent = Math.Clamp(percent, 0, 100);
        int filled = percent * BarWidth / 100;
        string line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent,3}%  {what}";
        return line.Length > LineWidth ? line[..LineWidth] : line.PadRight(LineWidth);
    }

    public static void Draw(int percent, string what) => Console.Error.Write("\r" + Render(percent, what));

    public static void Clear() => Console.Error.Write("\r" + new string(' ', LineWidth) + "\r");
}
