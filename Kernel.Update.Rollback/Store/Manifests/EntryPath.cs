namespace Kernel.Update.Rollback.Store.Manifests;

/// <summary>
/// Rules for names read from a store. A name with "..", a leading "/", a NUL or an empty segment could
/// make a restore write outside the component: such a manifest is corrupt, never "sanitised".
/// </summary>
public static class EntryPath
{
    public static bool IsValid(string path)
    {
        if (path.Length == 0)
            return true; // the component root itself
        if (path[0] == '/' || path[^1] == '/' || path.Contains('\0'))
            return false;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan()[range];
            if (segment.Length == 0 || segment is "." || segment is "..")
                return false;
        }
        return true;
    }

    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    public static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
}
