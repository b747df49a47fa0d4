using System.Reflection;
using System.Runtime.InteropServices;
using Uffd.Interop;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Abi;

/// <summary>
/// The runtime hardcodes the userfaultfd ABI (it cannot include a C header). These tests compile a C program against
/// the machine's headers and compare every size, offset and constant with the C# side, reporting all mismatches at once.
/// </summary>
public sealed class AbiLayoutTests
{
    private readonly ITestOutputHelper output;

    public AbiLayoutTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void Every_size_offset_and_constant_matches_what_gcc_computes_from_the_uapi_headers()
    {
        NativeAbi native = NativeAbiProbe.Result;
        output.WriteLine($"compiled against {native.IncludeDirectory}/linux/userfaultfd.h");
        var mismatches = new List<string>();
        foreach (AbiComparison comparison in AbiTable.Comparisons)
        {
            long value = native.Values[comparison.CName];
            if (value != comparison.Value)
            {
                mismatches.Add($"{comparison.CName} = {Format(value)}, but {comparison.Label} = {Format(comparison.Value)}");
            }
        }

        output.WriteLine($"{AbiTable.Comparisons.Count} comparisons of {AbiTable.Symbols.Count} C values");
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} of {AbiTable.Comparisons.Count} ABI values differ from gcc:\n  " + string.Join("\n  ", mismatches));
    }

    [Fact]
    public void UffdMessage_decodes_every_payload_field_at_the_offset_gcc_computes()
    {
        IReadOnlyDictionary<string, long> c = NativeAbiProbe.Result.Values;
        var mismatches = new List<string>();
        void Check<T>(string what, T actual, T expected)
        {
            if (!EqualityComparer<T>.Default.Equals(actual, expected))
            {
                mismatches.Add($"{what}: decoded {actual}, wrote {expected}");
            }
        }

        UffdMessage pageFault = Message(c, (byte)c["UFFD_EVENT_PAGEFAULT"],
            ("arg.pagefault.flags", 8, 0x5),
            ("arg.pagefault.address", 8, 0x7f00_1234_5000),
            ("arg.pagefault.feat.ptid", 4, 0x1234_5678));
        Check("event", pageFault.Kind, UffdEventKind.PageFault);
        Check("arg.pagefault.flags", pageFault.PageFault.Flags, PageFaultFlags.Write | PageFaultFlags.Minor);
        Check("arg.pagefault.address", pageFault.PageFault.Address, unchecked((nint)0x7f00_1234_5000L));
        Check("arg.pagefault.feat.ptid", pageFault.PageFault.ThreadId, 0x1234_5678);

        UffdMessage fork = Message(c, (byte)c["UFFD_EVENT_FORK"], ("arg.fork.ufd", 4, 42));
        Check("event (fork)", fork.Kind, UffdEventKind.Fork);
        Check("arg.fork.ufd", fork.ForkChildFd, 42);

        UffdMessage remap = Message(c, (byte)c["UFFD_EVENT_REMAP"],
            ("arg.remap.from", 8, 0x7f00_0000_0000), ("arg.remap.to", 8, 0x7e00_0020_0000), ("arg.remap.len", 8, 0x30_0000));
        Check("event (remap)", remap.Kind, UffdEventKind.Remap);
        Check("arg.remap", remap.Remap, new RemapEvent(unchecked((nint)0x7f00_0000_0000L), unchecked((nint)0x7e00_0020_0000L), 0x30_0000));

        foreach (string kind in new[] { "UFFD_EVENT_REMOVE", "UFFD_EVENT_UNMAP" })
        {
            UffdMessage remove = Message(c, (byte)c[kind], ("arg.remove.start", 8, 0x7f00_0000_1000), ("arg.remove.end", 8, 0x7f00_0000_5000));
            Check($"arg.remove ({kind})", remove.Range, new RangeEvent(unchecked((nint)0x7f00_0000_1000L), unchecked((nint)0x7f00_0000_5000L)));
            Check($"{kind} length", remove.Range.Length, 0x4000L);
        }

        // IsKnownKind hardcodes the event range; it must be exactly the header's events.
        long[] events = { c["UFFD_EVENT_PAGEFAULT"], c["UFFD_EVENT_FORK"], c["UFFD_EVENT_REMAP"], c["UFFD_EVENT_REMOVE"], c["UFFD_EVENT_UNMAP"] };
        for (long code = events.Min() - 1; code <= events.Max() + 1; code++)
        {
            Check($"IsKnownKind(0x{code:x})", Message(c, (byte)code).IsKnownKind, events.Contains(code));
        }

        Assert.True(mismatches.Count == 0, "UffdMessage disagrees with struct uffd_msg:\n  " + string.Join("\n  ", mismatches));
    }

    [Fact]
    public void Errno_and_feature_names_are_the_uapi_names_of_the_header_values()
    {
        IReadOnlyDictionary<string, long> c = NativeAbiProbe.Result.Values;
        var mismatches = new List<string>();
        foreach (string name in AbiTable.ErrnoNames)
        {
            string actual = Errno.Name((int)c[name]);
            if (actual != name)
            {
                mismatches.Add($"Errno.Name({c[name]}) = {actual}, expected {name}");
            }
        }

        string[] features = AbiTable.Symbols.Select(s => s.Name).Where(n => n.StartsWith("UFFD_FEATURE_", StringComparison.Ordinal)).ToArray();
        Assert.Equal(17, features.Length);
        foreach (string name in features)
        {
            string actual = FeatureCatalog.UapiName((UffdFeatures)(ulong)c[name]);
            if (actual != name)
            {
                mismatches.Add($"FeatureCatalog.UapiName(0x{c[name]:x}) = {actual}, expected {name}");
            }
        }

        ulong headerMask = features.Aggregate(0UL, (mask, name) => mask | (ulong)c[name]);
        Assert.True(headerMask == (ulong)FeatureCatalog.KnownMask, $"FeatureCatalog.KnownMask 0x{(ulong)FeatureCatalog.KnownMask:x} != header bits 0x{headerMask:x}");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void Every_named_enum_member_and_interop_constant_is_compared_with_the_header()
    {
        var uncovered = new List<string>();
        foreach (Type type in AbiTable.AbiEnums)
        {
            foreach (object member in Enum.GetValues(type))
            {
                ulong bits = Convert.ToUInt64(member, null);
                if (bits != 0 && !AbiTable.CoveredEnumMembers.Contains((type, bits)))
                {
                    uncovered.Add($"{type.Name}.{member}");
                }
            }
        }

        var labels = AbiTable.Comparisons.Select(c => c.Label).ToHashSet(StringComparer.Ordinal);
        foreach (Type type in AbiTable.InteropConstants)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                string label = $"{type.Name}.{field.Name}";
                if ((field.IsLiteral || field.IsInitOnly) && !labels.Contains(label) && !AbiTable.Unverifiable.ContainsKey(label))
                {
                    uncovered.Add(label);
                }
            }
        }

        Assert.True(uncovered.Count == 0,
            "These ABI values are not compared with gcc; add them to AbiTable:\n  " + string.Join("\n  ", uncovered));
    }

    /// <summary>A 32-byte message whose bytes are garbage except the event code and the given fields.</summary>
    private static UffdMessage Message(IReadOnlyDictionary<string, long> c, byte eventCode, params (string Field, int Size, long Value)[] fields)
    {
        byte[] raw = Enumerable.Repeat((byte)0xA5, (int)c["sizeof(struct uffd_msg)"]).ToArray();
        raw[c[AbiTable.OffsetName("struct uffd_msg", "event")]] = eventCode;
        foreach ((string field, int size, long value) in fields)
        {
            Span<byte> target = raw.AsSpan((int)c[AbiTable.OffsetName("struct uffd_msg", field)], size);
            if (size == 4)
            {
                MemoryMarshal.Write(target, (uint)value);
            }
            else
            {
                MemoryMarshal.Write(target, (ulong)value);
            }
        }

        return MemoryMarshal.Read<UffdMessage>(raw);
    }

    private static string Format(long value) => value is >= 0 and < 4096 ? value.ToString() : $"0x{value:x}";
}
