using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kernel.Update.Rollback.Api;

/// <summary>How a <see cref="JsonLines.ReadAsync"/> loop ended.</summary>
internal enum LinesEnd
{
    /// <summary>The peer closed its side.</summary>
    Closed,
    /// <summary>A line (or what has come of it so far) is longer than the cap.</summary>
    TooLong,
    /// <summary>The line handler asked to stop.</summary>
    Stopped,
}

/// <summary>The framing of the control protocol, for the server and the client alike: one JSON value per line, UTF-8.</summary>
internal static class JsonLines
{
    /// <summary>
    /// Hands each line (without its '\n' or a '\r' before it; blank lines skipped) to <paramref name="onLine"/>
    /// straight from the pipe's buffers: no copy, nothing allocated per line here. A line longer than
    /// <paramref name="maxLine"/> ends the loop before it is buffered whole, so a peer cannot make us hold more.
    /// </summary>
    public static async Task<LinesEnd> ReadAsync(PipeReader reader, int maxLine, Func<ReadOnlySequence<byte>, ValueTask<bool>> onLine,
        CancellationToken cancellation)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellation);
            var buffer = read.Buffer;
            try
            {
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (line.Length > maxLine)
                        return LinesEnd.TooLong;
                    if (!await Deliver(line, onLine))
                        return LinesEnd.Stopped;
                }
                if (buffer.Length > maxLine)
                    return LinesEnd.TooLong;
                if (read.IsCompleted || read.IsCanceled)
                {
                    // A last line without its newline still counts: the peer may have written it and closed.
                    var last = buffer;
                    buffer = buffer.Slice(buffer.End);
                    return last.IsEmpty || await Deliver(last, onLine) ? LinesEnd.Closed : LinesEnd.Stopped;
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private static ValueTask<bool> Deliver(ReadOnlySequence<byte> line, Func<ReadOnlySequence<byte>, ValueTask<bool>> onLine)
    {
        if (!line.IsEmpty && EndsWithCarriageReturn(line))
            line = line.Slice(0, line.Length - 1);
        return IsBlank(line) ? ValueTask.FromResult(true) : onLine(line);
    }

    private static bool EndsWithCarriageReturn(ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? line.FirstSpan[^1] == (byte)'\r' : line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
            if (segment.Span.IndexOfAnyExcept(" \t"u8) >= 0)
                return false;
        return true;
    }

    /// <summary>Reads exactly one JSON value from <paramref name="line"/>; anything after it is an error, as is a JSON null.</summary>
    /// <exception cref="JsonException">the line is not one <typeparamref name="T"/>; the message says where.</exception>
    public static T Parse<T>(ReadOnlySequence<byte> line, JsonTypeInfo<T> type) where T : class
    {
        var json = new Utf8JsonReader(line);
        var value = JsonSerializer.Deserialize(ref json, type) ?? throw new JsonException("the line is JSON null, not an object");
        if (json.Read()) // throws itself for most trailing text; a second value on the line lands here
            throw new JsonException($"more than one JSON value on the line (the second starts at byte {json.TokenStartIndex})");
        return value;
    }

    /// <summary>
    /// The top-level "id" of a line that did not parse as a request (an unknown field, a wrong type, a missing brace), so
    /// that even its error response can be matched; null when the line has none before the point where it breaks.
    /// </summary>
    public static long? FindId(ReadOnlySequence<byte> line)
    {
        var json = new Utf8JsonReader(line);
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
                return null;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = json.ValueTextEquals("id"u8);
                if (!json.Read())
                    return null;
                if (isId)
                    return json.TokenType == JsonTokenType.Number && json.TryGetInt64(out long id) ? id : null;
                json.Skip();
            }
        }
        catch (JsonException)
        {
            // Broken before an id was found.
        }
        return null;
    }

    /// <summary>The UTF-8 JSON of <paramref name="value"/> and its newline, ready to write.</summary>
    public static ReadOnlyMemory<byte> Encode<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            JsonSerializer.Serialize(writer, value, type);
        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }
}
