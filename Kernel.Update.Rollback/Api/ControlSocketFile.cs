using System.Net.Sockets;
using System.Text;
using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// The listening socket of the control API and its file: bound with its final owner, group and mode before anyone can
/// connect, one server per path, a stale file replaced, and the file removed again when the server stops.
/// </summary>
/// <remarks>
/// Why nobody can connect before the mode is set: bind(2) creates the file with 0777 &amp; ~umask, and the umask is
/// process-wide (changing it would race every other thread creating files). So the socket is bound inside a fresh
/// directory that only we can enter (mkdir 0700, failing if the name exists), chgrp'ed and chmod'ed there, made to
/// listen, and only then renamed to its path: connecting needs search permission on every directory of the path, so
/// until the rename nobody but root (who is allowed anyway) can reach it, and rename(2) makes it appear at its path
/// already with its final mode — replacing a stale file in the same step. A connection stays bound to the socket, not
/// to the name, so the rename does not disturb the listener.
/// </remarks>
internal sealed class ControlSocketFile : IDisposable
{
    private const uint PrivateDirectoryMode = 0b111_000_000; // 0700
    private const uint OwnerOnly = 0b110_000_000; // 0600
    private const uint OwnerAndGroup = 0b110_110_000; // 0660
    private const uint GroupDirectoryMode = 0b111_101_000; // 0750
    // sun_path is 108 bytes including the NUL.
    private const int MaxSocketPathBytes = 107;
    // "/.c" + 6 hex digits + "/s": where the socket is bound before it is moved to its path.
    private const int PrivateSuffixBytes = 11;

    private readonly SafeFileHandle _lock;
    private readonly ulong _device;
    private readonly ulong _inode;
    private bool _disposed;

    private ControlSocketFile(string path, Socket listener, SafeFileHandle serverLock, FileStatus bound, uint? groupId, uint mode)
    {
        Path = path;
        Listener = listener;
        _lock = serverLock;
        (_device, _inode) = (bound.Device, bound.Inode);
        GroupId = groupId;
        Mode = mode;
    }

    public string Path { get; }
    public Socket Listener { get; }
    public uint? GroupId { get; }
    public uint Mode { get; }

    /// <summary>Binds and listens at <paramref name="options"/>' socket path. InvalidState when another server is
    /// serving it; InvalidInput when the path is not usable (not a socket, too long, an unknown group).</summary>
    public static ControlSocketFile Create(ControlServerOptions options, ILogger logger)
    {
        string path = System.IO.Path.GetFullPath(options.SocketPath);
        if (Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"control socket path {path} is longer than the {MaxSocketPathBytes} bytes a Unix socket address holds");
        string directory = System.IO.Path.GetDirectoryName(path)!;
        if (Encoding.UTF8.GetByteCount(directory) + PrivateSuffixBytes > MaxSocketPathBytes)
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"control socket directory {directory} is too long: a Unix socket address holds {MaxSocketPathBytes} bytes, and binding needs {PrivateSuffixBytes} after the directory");
        uint? groupId = options.Group is null ? null : ResolveGroup(options.Group, path);
        SafeFileHandle? serverLock = null;
        try
        {
            EnsureDirectory(directory, groupId);
            serverLock = LockPath(path);
            RefuseLiveOrReplaceStale(path, logger);
            uint mode = groupId is null ? OwnerOnly : OwnerAndGroup;
            var (listener, status) = BindPrivatelyAndMove(path, directory, groupId, mode);
            return new ControlSocketFile(path, listener, serverLock, status, groupId, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            // e.g. chgrp to a group a non-root server is not in (EPERM), or a directory it may not write.
            serverLock?.Dispose();
            throw new RollbackException(RollbackErrorKind.Failed, $"cannot set up control socket {path}: {e.Message}", e);
        }
        catch
        {
            serverLock?.Dispose();
            throw;
        }
    }

    private static uint ResolveGroup(string group, string path) =>
        Posix.TryGetGroupId(group, out uint gid) ? gid
            : throw new RollbackException(RollbackErrorKind.InvalidInput, $"group '{group}' for control socket {path} does not exist");

    /// <summary>A missing directory is made private (0700), or 0750 with the group so its members can reach the socket.
    /// An existing one is left as its owner set it up (e.g. systemd's RuntimeDirectory=).</summary>
    private static void EnsureDirectory(string directory, uint? groupId)
    {
        if (Directory.Exists(directory))
            return;
        Directory.CreateDirectory(directory, (UnixFileMode)PrivateDirectoryMode);
        if (groupId is { } gid)
        {
            Posix.LChown(directory, uint.MaxValue, gid); // uid -1: unchanged
            Posix.Chmod(directory, GroupDirectoryMode);
        }
    }

    /// <summary>One server per socket path: PATH.lock (<see cref="PidLockFile"/>) held for the server's life. It closes the
    /// gap of two servers starting at once, which checking whether the socket answers alone would leave open.</summary>
    private static SafeFileHandle LockPath(string path) =>
        PidLockFile.TryAcquire(path + ".lock", out string holder)
        ?? throw new RollbackException(RollbackErrorKind.InvalidState, $"another monitor is serving {path} ({holder})");

    private static void RefuseLiveOrReplaceStale(string path, ILogger logger)
    {
        if (!Posix.TryLStat(path, out var existing))
            return;
        if (existing.Kind != FileKind.Socket)
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"{path} exists and is not a socket ({existing.Kind}); remove it or configure another control socket path");
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                // A server that does not take our lock (an older build) but answers: leave it alone.
                throw new RollbackException(RollbackErrorKind.InvalidState, $"another monitor is serving {path}");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Nobody listens: the file of a server that died. The rename below replaces it.
            }
        }
        Log.ApiStaleSocketReplaced(logger, path);
    }

    private static (Socket Listener, FileStatus Status) BindPrivatelyAndMove(string path, string directory, uint? groupId, uint mode)
    {
        using var parent = Posix.OpenDirectory(directory);
        string privateName = MakePrivateDirectory(parent);
        string bound = System.IO.Path.Combine(directory, privateName, "s");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(bound));
            if (groupId is { } gid)
                Posix.LChown(bound, uint.MaxValue, gid); // chown before chmod: chown may clear mode bits
            Posix.Chmod(bound, mode);
            listener.Listen(16);
            using var inside = Posix.OpenDirectory(System.IO.Path.Combine(directory, privateName));
            Posix.RenameAt2(inside, "s", parent, System.IO.Path.GetFileName(path), RenameFlags.None);
            return (listener, Posix.LStat(path));
        }
        catch
        {
            listener.Dispose();
            if (File.Exists(bound))
                File.Delete(bound);
            throw;
        }
        finally
        {
            Posix.UnlinkAt(parent, privateName, removeDir: true);
        }
    }

    /// <summary>A new directory next to the socket that only this user can enter; mkdir fails rather than reuse a name.</summary>
    private static string MakePrivateDirectory(SafeFileHandle parent)
    {
        for (int attempt = 0; ; attempt++)
        {
            string name = $".c{Random.Shared.Next(1 << 24):x6}";
            try
            {
                Posix.MkdirAt(parent, name, PrivateDirectoryMode);
                return name;
            }
            catch (NativeException e) when (e.Error == Errno.EEXIST && attempt < 8)
            {
            }
        }
    }

    /// <summary>Stops listening, removes the socket file if it is still ours (a later server may have replaced it),
    /// and lets another server take the path.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Listener.Dispose();
        if (Posix.TryLStat(Path, out var now) && now.Device == _device && now.Inode == _inode)
            File.Delete(Path);
        _lock.Dispose();
    }
}
