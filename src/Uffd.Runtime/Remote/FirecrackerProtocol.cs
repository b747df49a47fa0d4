using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text.Json;

namespace Uffd;

/// <summary>
/// The handler side of Firecracker's snapshot-loading protocol with a uffd memory backend: the VMM connects to the
/// handler's Unix socket and sends one message, a JSON array of guest-region mappings
/// (<c>[{"base_host_virt_addr": …, "size": …, "offset": …, "page_size": …}, …]</c>; older versions send
/// <c>page_size_kib</c>), with the uffd of guest memory as <c>SCM_RIGHTS</c> ancillary data. Each mapping says where a
/// region of guest memory is in the VMM and where its content is in the snapshot's memory file.
/// </summary>
public static class FirecrackerProtocol
{
    /// <summary>The most bytes of JSON accepted (a VMM has a handful of regions; a peer that sends more is not one).</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>
    /// Receives the mappings and the uffd from a connected VMM: the memory to serve, with the VMM as its process (the
    /// peer of the socket), whose exit ends the serving.
    /// </summary>
    /// <exception cref="UffdException">
    /// The peer closed the connection before sending a whole message, sent no uffd, or sent something that is not a
    /// uffd; the message says which.
    /// </exception>
    /// <exception cref="FormatException">The JSON is not an array of mappings; the message names the field.</exception>
    public static RemoteMemory Receive(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        byte[] buffer = new byte[4096];
        int length = 0;
        Userfaultfd? uffd = null;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes)
                    {
                        throw new FormatException($"The mappings are longer than {MaxMessageBytes} bytes: the peer is not a Firecracker VMM.");
                    }

                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int received = UffdSocket.Receive(socket, buffer.AsSpan(length), out Userfaultfd? sent);
                if (sent is not null)
                {
                    if (uffd is not null)
                    {
                        sent.Dispose();
                        throw new UffdException("The VMM sent a second uffd with its mappings; it sends one, with the first bytes.");
                    }

                    uffd = sent;
                }

                if (received == 0)
                {
                    throw new UffdException(
                        length == 0 ? "The VMM closed the connection without sending its mappings." : "The VMM closed the connection in the middle of its mappings.");
                }

                length += received;
                if (IsComplete(buffer.AsSpan(0, length)))
                {
                    break;
                }
            }

            if (uffd is null)
            {
                throw new UffdException("The VMM sent its mappings without the uffd of guest memory (SCM_RIGHTS).");
            }

            RemoteRange[] ranges = ParseMappings(buffer.AsSpan(0, length), out int pageSize);
            var memory = new RemoteMemory(uffd, ranges, pageSize, UffdSocket.PeerProcessId(socket));
            uffd = null;
            return memory;
        }
        finally
        {
            uffd?.Dispose();
        }
    }

    /// <summary>
    /// Parses the JSON mappings: one <see cref="RemoteRange"/> per guest region (its address in the VMM, its size,
    /// and its offset in the memory file), and their page size (the base page size when no mapping gives one).
    /// </summary>
    /// <exception cref="FormatException">The JSON is not an array of mappings, a field is missing or not a number, or the mappings' page sizes differ.</exception>
    public static RemoteRange[] ParseMappings(ReadOnlySpan<byte> json, out int pageSize)
    {
        var ranges = new List<RemoteRange>();
        long? commonPageSize = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            Expect(ref reader, JsonTokenType.StartArray, "the message");
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new FormatException($"Mapping {ranges.Count} is not a JSON object.");
                }

                (RemoteRange range, long? size) = ParseMapping(ref reader, ranges.Count);
                if (size is long s)
                {
                    if (commonPageSize is long c && c != s)
                    {
                        throw new FormatException($"Mapping {ranges.Count} has pages of {s} bytes, an earlier one of {c}: one uffd serves one page size here.");
                    }

                    commonPageSize = s;
                }

                ranges.Add(range);
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"The mappings are not valid JSON: {e.Message}", e);
        }

        if (ranges.Count == 0)
        {
            throw new FormatException("The mappings are an empty array: there is no guest memory to serve.");
        }

        pageSize = checked((int)(commonPageSize ?? Environment.SystemPageSize));
        return [.. ranges];
    }

    private static (RemoteRange Range, long? PageSize) ParseMapping(ref Utf8JsonReader reader, int index)
    {
        ulong? address = null, size = null, offset = null;
        long? pageSize = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            Next(ref reader);
            switch (name)
            {
                case "base_host_virt_addr":
                    address = Number(ref reader, index, name);
                    break;
                case "size":
                    size = Number(ref reader, index, name);
                    break;
                case "offset":
                    offset = Number(ref reader, index, name);
                    break;
                case "page_size":
                    pageSize = checked((long)Number(ref reader, index, name));
                    break;
                case "page_size_kib":
                    pageSize = checked((long)Number(ref reader, index, name) * 1024);
                    break;
                default:
                    // Fields of later versions are ignored, as the VMM's own readers do.
                    reader.Skip();
                    break;
            }
        }

        if (address is null || size is null || offset is null)
        {
            throw new FormatException(
                $"Mapping {index} lacks {(address is null ? "base_host_virt_addr" : size is null ? "size" : "offset")}: each mapping gives base_host_virt_addr, size and offset.");
        }

        return (new RemoteRange((nint)address.Value, checked((long)size.Value), checked((long)offset.Value)), pageSize);
    }

    private static ulong Number(ref Utf8JsonReader reader, int index, string name) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out ulong value)
            ? value
            : throw new FormatException($"Mapping {index}: {name} is not a non-negative integer.");

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new FormatException("The mappings end in the middle of the JSON.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (Next(ref reader) != type)
        {
            throw new FormatException($"{what} is not a JSON array of mappings (found {reader.TokenType}).");
        }
    }

    /// <summary>True once the bytes hold a whole JSON value (the message may arrive in pieces).</summary>
    private static bool IsComplete(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, default);
        try
        {
            return reader.Read() && reader.TrySkip();
        }
        catch (JsonException)
        {
            // Not JSON at all: the parse reports it, with the whole message.
            return true;
        }
    }
}
