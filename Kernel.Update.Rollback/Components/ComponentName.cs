namespace Kernel.Update.Rollback.Components;

/// <summary>
/// The rule for component names. Names appear on command lines (<c>--components a,b</c>), in logs and
/// in store records, so they are kept to characters that need no quoting anywhere.
/// </summary>
public static class ComponentName
{
    public const int MaxLength = 64;

    public const string Rule = "1 to 64 characters from A-Z a-z 0-9 . _ -, not '.' or '..'";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name is "." or "..")
            return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return false;
        }
        return true;
    }
}
