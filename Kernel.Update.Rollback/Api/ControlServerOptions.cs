namespace Kernel.Update.Rollback.Api;

/// <summary>Where and how <see cref="ControlServer"/> listens.</summary>
/// <param name="SocketPath">The Unix domain socket, e.g. /run/rollback/control.sock (at most 107 bytes, the kernel's sun_path).</param>
public sealed record ControlServerOptions(string SocketPath)
{
    /// <summary>
    /// A group whose members may use the API too: the socket is then chgrp'ed to it with mode 0660 (else 0600, and
    /// only root and the server's own user get in). Members are checked by the peer's credentials as well.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>The longest request line accepted; a longer one is refused and its connection closed.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Lines (responses and events) waiting for one connection; a subscriber that lets this fill is dropped.</summary>
    public int QueueLength { get; init; } = 256;
}
