namespace Uffd.Runtime.Tests.Infrastructure;

/// <summary>
/// Accesses to registered memory that may block in a uffd fault. They go through <see cref="GcSafeMemory"/>: a thread
/// blocked in a fault from managed code can deadlock the whole test host with the next GC (see docs/runtime.md,
/// "Faulting threads and the garbage collector"), one blocked inside a native memmove cannot.
/// </summary>
internal static class Registered
{
    /// <summary>Reads one byte (a read fault at exactly <paramref name="address"/> if the page is missing).</summary>
    public static byte ReadByte(nint address) => GcSafeMemory.ReadByte(address);

    /// <summary>
    /// Reads <paramref name="length"/> bytes. Across several missing pages the fault order is memmove's, not
    /// necessarily ascending (glibc loads a large copy's tail early).
    /// </summary>
    public static byte[] ReadBytes(nint address, int length)
    {
        byte[] bytes = new byte[length];
        GcSafeMemory.Read(address, bytes);
        return bytes;
    }

    /// <summary>Writes one byte (a write fault: missing write or write-protect).</summary>
    public static void WriteByte(nint address, byte value)
    {
        ReadOnlySpan<byte> one = [value];
        GcSafeMemory.Write(address, one);
    }

    /// <summary>Writes <paramref name="length"/> copies of <paramref name="value"/>.</summary>
    public static void Fill(nint address, int length, byte value) =>
        GcSafeMemory.Write(address, Enumerable.Repeat(value, length).ToArray());
}
