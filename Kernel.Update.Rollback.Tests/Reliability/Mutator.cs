using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Seeded mutations of parser input, the kinds that find parser bugs: bit flips, bytes set to boundary values,
/// boundary integers written over 1, 2, 4 or 8 bytes, over-long varints, truncation, extension, deletion,
/// duplication and splices from another sample. Output is capped at <see cref="MaxLength"/> bytes so that a
/// mutation can never be the reason a parser runs out of memory: the parser has to be.
/// </summary>
internal sealed class Mutator(int seed, int maxLength = 1 << 20)
{
    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, (byte)'"', (byte)'\\', (byte)'\n', (byte)'/', (byte)'.'];
    private static readonly ulong[] BoundaryIntegers =
        [0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 4096, 65536, 16 << 20, 50_000_000, 64 << 20, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, long.MaxValue, ulong.MaxValue, 0x7FFF_FFC7];

    public Random Random { get; } = new(seed);

    public int MaxLength => maxLength;

    /// <summary>One to four mutations of a copy of <paramref name="input"/>; <paramref name="other"/> feeds splices.</summary>
    public byte[] Mutate(ReadOnlySpan<byte> input, ReadOnlySpan<byte> other)
    {
        var data = new List<byte>(input.Length + 16);
        foreach (byte b in input)
            data.Add(b);
        int rounds = 1 + Random.Next(4);
        for (int r = 0; r < rounds; r++)
            MutateOnce(data, other);
        if (data.Count > maxLength)
            data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void MutateOnce(List<byte> data, ReadOnlySpan<byte> other)
    {
        int at = data.Count == 0 ? 0 : Random.Next(data.Count);
        switch (Random.Next(10))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << Random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[at] = BoundaryBytes[Random.Next(BoundaryBytes.Length)];
                break;
            case 2:
                WriteInteger(data, at);
                break;
            case 3 when Random.Next(2) == 0:
                // An over-long or maximal varint: 0xFF... then a terminator.
                int length = 1 + Random.Next(11);
                for (int i = 0; i < length; i++)
                    data.Insert(Math.Min(at + i, data.Count), i == length - 1 ? (byte)Random.Next(0x80) : (byte)0xFF);
                break;
            case 3:
                // A boundary integer as a varint (counts and lengths that a parser might allocate by).
                ulong value = BoundaryIntegers[Random.Next(BoundaryIntegers.Length)] >> Random.Next(8);
                do
                {
                    byte b = (byte)(value & 0x7F);
                    value >>= 7;
                    if (at < data.Count)
                        data[at++] = value == 0 ? b : (byte)(b | 0x80);
                    else
                        data.Add(value == 0 ? b : (byte)(b | 0x80));
                }
                while (value != 0);
                break;
            case 4:
                if (data.Count > 0)
                    data.RemoveRange(at, data.Count - at);
                break;
            case 5:
                int extra = Random.Next(64);
                for (int i = 0; i < extra; i++)
                    data.Add((byte)Random.Next(256));
                break;
            case 6 when data.Count > 0:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + Random.Next(32)));
                break;
            case 7 when data.Count > 0:
                int count = Math.Min(data.Count - at, 1 + Random.Next(64));
                data.InsertRange(Random.Next(data.Count + 1), data.GetRange(at, count));
                break;
            case 8 when other.Length > 0:
                int from = Random.Next(other.Length);
                int take = Math.Min(other.Length - from, 1 + Random.Next(256));
                var piece = other.Slice(from, take).ToArray();
                if (data.Count > 0 && Random.Next(2) == 0)
                    data.RemoveRange(at, Math.Min(data.Count - at, take));
                data.InsertRange(Math.Min(at, data.Count), piece);
                break;
            default:
                if (data.Count > 0)
                    data[at] = (byte)Random.Next(256);
                break;
        }
    }

    private void WriteInteger(List<byte> data, int at)
    {
        ulong value = BoundaryIntegers[Random.Next(BoundaryIntegers.Length)];
        if (Random.Next(4) == 0)
            value = unchecked(value + (ulong)(Random.Next(3) - 1));
        int width = 1 << Random.Next(4);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        for (int i = 0; i < width; i++)
        {
            if (at + i < data.Count)
                data[at + i] = bytes[i];
            else
                data.Add(bytes[i]);
        }
    }

    /// <summary>A structural mutation of JSON text: one value somewhere replaced by a hostile one (null, a wrong
    /// type, a huge number, a path that climbs out, an empty or huge string), a property removed or added.
    /// Falls back to byte mutations when the text does not parse.</summary>
    public byte[] MutateJson(byte[] json, ReadOnlySpan<byte> other)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, null, new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (System.Text.Json.JsonException)
        {
            return Mutate(json, other);
        }
        if (root is null)
            return Mutate(json, other);
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        int rounds = 1 + Random.Next(3);
        for (int r = 0; r < rounds && nodes.Count > 1; r++)
        {
            var victim = nodes[1 + Random.Next(nodes.Count - 1)];
            if (victim.Parent is null)
                continue;
            var parent = victim.Parent;
            JsonNode? replacement = HostileValue();
            if (parent is JsonObject obj)
            {
                string name = victim.GetPropertyName();
                switch (Random.Next(4))
                {
                    case 0:
                        obj.Remove(name);
                        break;
                    case 1:
                        obj[name + (Random.Next(2) == 0 ? "" : "X")] = replacement;
                        break;
                    default:
                        obj[name] = replacement;
                        break;
                }
            }
            else if (parent is JsonArray array)
            {
                int index = victim.GetElementIndex();
                if (Random.Next(3) == 0)
                    array.RemoveAt(index);
                else
                    array[index] = replacement;
            }
            nodes.Clear();
            Collect(root, nodes);
        }
        byte[] text = Encoding.UTF8.GetBytes(root.ToJsonString());
        return Random.Next(4) == 0 ? Mutate(text, other) : text.Length > maxLength ? text[..maxLength] : text;
    }

    private JsonNode? HostileValue() => Random.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(-1),
        2 => JsonValue.Create(long.MaxValue),
        3 => JsonNode.Parse("1e400"),
        4 => JsonValue.Create(""),
        5 => JsonValue.Create("../../../../etc/passwd"),
        6 => JsonValue.Create("/etc/shadow"),
        7 => JsonValue.Create("a\0b"),
        8 => new JsonArray(),
        9 => new JsonObject(),
        10 => JsonValue.Create(new string('x', 1 + Random.Next(100_000))),
        11 => JsonValue.Create(true),
        12 => JsonValue.Create(int.MinValue),
        13 => JsonValue.Create(0),
        14 => new JsonArray(JsonValue.Create("x"), null, JsonValue.Create(1)),
        _ => JsonValue.Create("2999-99-99T99:99:99Z"),
    };

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        if (node is JsonObject obj)
        {
            foreach (var (_, child) in obj)
                if (child is not null)
                    Collect(child, into);
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
                if (child is not null)
                    Collect(child, into);
        }
    }
}
