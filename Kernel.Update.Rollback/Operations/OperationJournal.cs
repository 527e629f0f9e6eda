using System.Security.Cryptography;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The durable, append-only record of one rollback operation (layout in <see cref="JournalLayout"/>; line
/// format in <see cref="JournalLine"/>). Every append is on stable storage (fdatasync) before it returns, so
/// whatever the journal says had been decided before a crash, and the phase machine resumes from it.
/// <para>
/// A crash can tear only the last line: each append is one write, synced before the next. A torn last line
/// is dropped (and cut off before the next append); a damaged earlier line is corruption. Not thread-safe;
/// the caller holds the store's lock.
/// </para>
/// </summary>
public sealed class OperationJournal : IDisposable
{
    private readonly ILogger _logger;
    private SafeFileHandle? _handle;
    private long _length;
    private Exception? _writeFailure;

    private OperationJournal(JournalLayout layout, SafeFileHandle handle, long length, JournalState state, ILogger logger)
    {
        Layout = layout;
        _handle = handle;
        _length = length;
        State = state;
        _logger = logger;
    }

    public JournalLayout Layout { get; }

    /// <summary>The journal file (<c>journal/current.jsonl</c>) while the operation runs.</summary>
    public string Path => Layout.Current;

    /// <summary>What the journal says so far; it changes only after an append is durable.</summary>
    public JournalState State { get; }

    /// <summary>False once the journal was archived, disposed, or an append failed (the file may hold part of a line:
    /// only a fresh <see cref="TryLoadInterrupted"/>, which cuts the torn tail, may append again).</summary>
    public bool CanAppend => _handle is not null && _writeFailure is null;

    /// <summary>
    /// Journals a new operation: its start record is durable, under its final name, before this returns.
    /// Refused (InvalidState) while another operation's journal exists: that one must be recovered first.
    /// </summary>
    public static OperationJournal Create(string storeRoot, RollbackScope scope, string targetPointId, IReadOnlyList<string> components,
        string actor, ILogger logger, bool force = false)
    {
        var layout = new JournalLayout(storeRoot);
        DurableFile.EnsureDirectory(layout.Directory);
        if (File.Exists(layout.Current))
            throw Interrupted(layout);
        var started = new OperationStartedRecord(NewOperationId(), scope, targetPointId, components.ToArray(), actor, DateTimeOffset.UtcNow) { Force = force };
        var state = new JournalState();
        if (state.Check(started) is { } problem)
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"cannot start a rollback to {targetPointId}: {problem}");
        byte[] line = JournalLine.Encode(started);
        // Written aside and renamed, so current.jsonl never exists without its start record.
        DiskSteps.DeleteFile(layout.Pending);
        DurableFile.WriteNew(layout.Pending, line);
        try
        {
            DiskSteps.RenameNoReplace(layout.Pending, layout.Current);
        }
        catch (NativeException e) when (e.Error == Errno.EEXIST)
        {
            DiskSteps.DeleteFile(layout.Pending);
            throw Interrupted(layout);
        }
        DiskSteps.FsyncDirectory(layout.Directory);
        state.Apply(started);
        return new OperationJournal(layout, OpenForAppend(layout.Current), line.Length, state, logger);
    }

    /// <summary>
    /// The journal of an operation that was interrupted (a crash, a kill, a power cut), opened to go on; null when
    /// nothing was interrupted. A torn last line is cut off durably; a journal whose operation had finished but
    /// was not yet archived is archived now (and null returned). CorruptedData when an earlier line is damaged.
    /// </summary>
    public static OperationJournal? TryLoadInterrupted(string storeRoot, ILogger logger)
    {
        var layout = new JournalLayout(storeRoot);
        if (File.Exists(layout.Pending))
            DiskSteps.DeleteFile(layout.Pending); // a creator died before its rename: that operation never began
        byte[]? bytes = ReadOrNull(layout.Current);
        if (bytes is null)
            return null;
        var (state, validLength, tornLine) = Replay(layout.Current, bytes);
        var handle = OpenForAppend(layout.Current);
        if (tornLine is not null)
        {
            Log.JournalTornLineDropped(logger, layout.Current, tornLine.Value);
            try
            {
                DiskSteps.SetLength(handle, validLength);
                DiskSteps.FsyncFile(handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        var journal = new OperationJournal(layout, handle, validLength, state, logger);
        if (state.Finished)
        {
            Log.JournalArchivedLate(logger, state.OperationId, state.Result!.Value);
            journal.Archive();
            return null;
        }
        return journal;
    }

    /// <summary>The interrupted operation's journal, opened to go on; NotFound when nothing was interrupted.</summary>
    public static OperationJournal Open(string storeRoot, ILogger logger) =>
        TryLoadInterrupted(storeRoot, logger)
        ?? throw new RollbackException(RollbackErrorKind.NotFound, $"no interrupted rollback is journaled in {new JournalLayout(storeRoot).Directory}");

    /// <summary>Reads the current journal without changing anything (for status output); null when there is none.</summary>
    public static JournalState? Inspect(string storeRoot)
    {
        var layout = new JournalLayout(storeRoot);
        byte[]? bytes = ReadOrNull(layout.Current);
        return bytes is null ? null : Replay(layout.Current, bytes).State;
    }

    /// <summary>Records that <paramref name="component"/> reached <paramref name="step"/> (see <see cref="ComponentSteps"/>).
    /// Call it only once the step's effect is durable.</summary>
    public void RecordStep(string component, string step) => Append(new ComponentStepRecord(component, step, DateTimeOffset.UtcNow));

    /// <summary>Adds a line of text for people reading the journal.</summary>
    public void RecordNote(string message) => Append(new NoteRecord(message, DateTimeOffset.UtcNow));

    internal void EnterPhase(RollbackPhase phase) => Append(new PhaseEnteredRecord(phase, DateTimeOffset.UtcNow));

    internal void RecordSafetyPoint(string pointId) => Append(new SafetyPointRecord(pointId, DateTimeOffset.UtcNow));

    internal void RecordError(RollbackPhase phase, string message) => Append(new ErrorRecord(phase, message, DateTimeOffset.UtcNow));

    internal void RecordCancel(RollbackPhase phase) => Append(new CancelRequestedRecord(phase, DateTimeOffset.UtcNow));

    /// <summary>Journals the end and archives the journal to last.jsonl: from then on nothing counts as interrupted.</summary>
    internal void Finish(RollbackPhase result)
    {
        Append(new OperationFinishedRecord(result, DateTimeOffset.UtcNow));
        Archive();
    }

    /// <summary>Appends one record durably. Exposed to tests to write records in orders the machine never would.</summary>
    internal void Append(JournalRecord record)
    {
        if (_writeFailure is not null)
            throw new RollbackException(RollbackErrorKind.Failed,
                $"journal {Path} cannot take more records after a failed write; a new process must recover the operation", _writeFailure);
        var handle = _handle ?? throw new ObjectDisposedException(nameof(OperationJournal), $"journal {Path} is closed");
        if (State.Check(record) is { } problem)
            throw new InvalidOperationException($"journal {Path}: {problem}");
        byte[] line = JournalLine.Encode(record);
        try
        {
            DiskSteps.Write(handle, line, _length);
            // fdatasync covers the size change of an append, which is all a reader needs.
            DiskSteps.FDataSync(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Never retried: after a failed fsync the kernel may have dropped the dirty pages.
            _writeFailure = e;
            throw new RollbackException(RollbackErrorKind.Failed, $"could not write the journal {Path}: {e.Message}", e);
        }
        _length += line.Length;
        State.Apply(record);
    }

    private void Archive()
    {
        _handle?.Dispose();
        _handle = null;
        DiskSteps.Move(Layout.Current, Layout.Last);
        DiskSteps.FsyncDirectory(Layout.Directory);
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
    }

    /// <summary>Replays a journal file's bytes. Only the last line may be torn; it is reported, not applied.</summary>
    internal static (JournalState State, long ValidLength, int? TornLine) Replay(string path, ReadOnlySpan<byte> bytes)
    {
        var state = new JournalState();
        int offset = 0;
        int lineNumber = 0;
        while (offset < bytes.Length)
        {
            lineNumber++;
            int newline = bytes[offset..].IndexOf((byte)'\n');
            int next = newline < 0 ? bytes.Length : offset + newline + 1;
            bool intact = false;
            string? problem = "it has no end of line";
            JournalRecord? record = newline < 0 ? null : JournalLine.TryDecode(bytes.Slice(offset, newline), out intact, out problem);
            if (record is null)
            {
                if (next == bytes.Length && !intact && state.Records > 0)
                {
                    if (JournalLine.StartsWithWholeRecord(bytes[offset..]))
                        throw Corrupt(path, lineNumber, "a whole record is followed by more bytes on its line (its end of line is damaged)");
                    return (state, offset, lineNumber);
                }
                throw Corrupt(path, lineNumber, problem!);
            }
            if (state.Check(record) is { } wrong)
                throw Corrupt(path, lineNumber, wrong);
            state.Apply(record);
            offset = next;
        }
        if (state.Records == 0)
            throw Corrupt(path, 1, "it is empty");
        return (state, offset, null);
    }

    private static SafeFileHandle OpenForAppend(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);

    private static byte[]? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static string NewOperationId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static RollbackException Interrupted(JournalLayout layout) =>
        new(RollbackErrorKind.InvalidState,
            $"an interrupted rollback is journaled in {layout.Current}; run 'rollbackctl recover' to finish it before starting another");

    private static RollbackException Corrupt(string path, int line, string problem) =>
        new(RollbackErrorKind.CorruptedData, $"journal {path} is damaged at line {line}: {problem}");
}
