using System.IO;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Arguments;

/// <summary>
/// Every way Register and Unregister reject their arguments: checked before the kernel is asked, or explained from
/// /proc/self/smaps after the kernel's bare EINVAL. Nothing is registered by a rejected call.
/// </summary>
public sealed class RegisterArgumentTests : IDisposable
{
    private static readonly int Page = Environment.SystemPageSize;
    private readonly UffdMemory memory = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
    private readonly Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });

    public void Dispose()
    {
        uffd.Unregister(memory.Address, memory.Length);
        uffd.Dispose();
        memory.Dispose();
    }

    [Fact]
    public void Unaligned_start_is_rejected_with_the_rounding_rule()
    {
        ArgumentAssert.Throws(() => uffd.Register(memory.Address + 1, Page, RegisterMode.Missing), "start",
            $"start 0x{memory.Address + 1:x} is not aligned to the page size ({Page})", "address & ~(pageSize - 1)");
        AssertNotRegistered();
    }

    [Fact]
    public void Unaligned_length_is_rejected()
    {
        ArgumentAssert.Throws(() => uffd.Register(memory.Address, Page + 512, RegisterMode.Missing), "length",
            $"length {Page + 512} is not a multiple of the page size ({Page})");
        AssertNotRegistered();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-4096L)]
    public void Empty_or_negative_length_is_out_of_range(long length)
    {
        var e = ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => uffd.Register(memory.Address, length, RegisterMode.Missing),
            "length", "The length must be positive");
        Assert.Equal(length, e.ActualValue);
        AssertNotRegistered();
    }

    [Fact]
    public void Mode_None_is_rejected()
    {
        ArgumentAssert.Throws(() => uffd.Register(memory.Address, memory.Length, RegisterMode.None), "mode",
            "RegisterMode.None registers nothing", "at least one of Missing, WriteProtect and Minor");
        AssertNotRegistered();
    }

    [Theory]
    [InlineData(0x8UL)]
    [InlineData(0x9UL)] // Missing plus an undefined bit
    [InlineData(0x8000000000000000UL)]
    public void Undefined_mode_bits_are_rejected_before_the_kernel_sees_them(ulong mode)
    {
        ulong undefined = mode & ~0x7UL;
        ArgumentAssert.Throws(() => uffd.Register(memory.Address, memory.Length, (RegisterMode)mode), "mode",
            $"mode has bits 0x{undefined:x} that RegisterMode does not define (it defines Missing, WriteProtect, Minor)");
        AssertNotRegistered();
    }

    [Fact]
    public void Minor_on_anonymous_memory_is_explained()
    {
        ArgumentAssert.Throws(() => uffd.Register(memory.Address, memory.Length, RegisterMode.Minor | RegisterMode.Missing), "mode",
            "includes Minor, which needs shmem or hugetlbfs memory", "private anonymous memory", "UffdMemory.MapShared");
        AssertNotRegistered();
    }

    [Theory]
    [InlineData(RegisterMode.WriteProtect, 0, 4)]
    [InlineData(RegisterMode.Missing | RegisterMode.WriteProtect, 0, 4)]
    [InlineData(RegisterMode.WriteProtect, 1, 1)] // a subrange, where the kernel would silently split and replace
    public void Registering_again_with_other_modes_is_rejected_because_the_kernel_replaces_modes(RegisterMode mode, int firstPage, int pages)
    {
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        ArgumentAssert.Throws(() => uffd.Register(memory.Address + firstPage * Page, pages * Page, mode), "mode",
            $"[0x{memory.Address:x}, 0x{memory.Address + (nint)memory.Length:x}) is already registered with Missing",
            "would replace the modes", "Unregister the range first");

        Assert.Equal(RegisterMode.Missing, VmaInfo.Find(memory.Address + firstPage * Page)!.RegisteredModes);
    }

    [Fact]
    public void Registering_again_with_the_same_mode_is_allowed()
    {
        UffdRegistration first = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        UffdRegistration again = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        Assert.Equal(first, again);
        Assert.Equal(RegisterMode.Missing, VmaInfo.Find(memory.Address)!.RegisteredModes);
        Assert.True(uffd.ZeroPage(memory.Address, memory.Length).IsDone);
    }

    [Fact]
    public void Registering_where_nothing_is_mapped_names_the_address()
    {
        // A hole between two of our own mappings, so nothing else is mapped there either.
        nint hole = memory.Address + Page;
        Assert.Equal(0, Libc.munmap(hole, (nuint)Page));

        ArgumentAssert.Throws(() => uffd.Register(hole, Page, RegisterMode.Missing), "start",
            $"Nothing is mapped at start 0x{hole:x}");
        ArgumentAssert.Throws(() => uffd.Unregister(hole, Page), "start", $"Nothing is mapped at start 0x{hole:x}");
    }

    [Fact]
    public unsafe void A_shared_mapping_of_a_regular_file_cannot_be_registered()
    {
        string path = Path.Combine(Path.GetTempPath(), $"uffd-regular-{Guid.NewGuid():N}");
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
            file.SetLength(2 * Page);
            nint mapped = Libc.mmap(0, (nuint)(2 * Page), Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, file.SafeFileHandle, 0);
            Assert.NotEqual(Libc.MAP_FAILED, mapped);
            try
            {
                ArgumentAssert.Throws(() => uffd.Register(mapped, 2 * Page, RegisterMode.Missing), "start",
                    "regular files cannot be registered", "only anonymous, shmem and hugetlbfs memory", path);
                Assert.Equal(RegisterMode.None, VmaInfo.Find(mapped)!.RegisteredModes);
            }
            finally
            {
                Libc.munmap(mapped, (nuint)(2 * Page));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unregister_rejects_an_unaligned_or_empty_range()
    {
        ArgumentAssert.Throws(() => uffd.Unregister(memory.Address + 8, Page), "start",
            $"start 0x{memory.Address + 8:x} is not aligned to the page size ({Page})");
        ArgumentAssert.Throws(() => uffd.Unregister(memory.Address, Page - 1), "length",
            $"length {Page - 1} is not a multiple of the page size ({Page})");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => uffd.Unregister(memory.Address, 0), "length", "must be positive");
    }

    /// <summary>The kernel's own record of the mapping (VmFlags um/uw/ui) shows no registration.</summary>
    private void AssertNotRegistered() => Assert.Equal(RegisterMode.None, VmaInfo.Find(memory.Address)!.RegisteredModes);
}
