namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// uffd-unit-tests "register-ioctls": the exact ioctl mask UFFDIO_REGISTER returns per memory type and mode on
/// Linux 6.18 (hugetlb is covered by <see cref="HugetlbTests"/>).
/// </summary>
public sealed class RegisterIoctlsTests
{
    private const UffdFeatures Features = UffdFeatures.PageFaultFlagWP | UffdFeatures.MinorShmem | UffdFeatures.WPHugetlbfsShmem;

    [Theory]
    [InlineData(RegisterMode.Missing, 0x13cUL)]
    [InlineData(RegisterMode.WriteProtect, 0x17cUL)]
    [InlineData(RegisterMode.Missing | RegisterMode.WriteProtect, 0x17cUL)]
    public void Anonymous_memory(RegisterMode mode, ulong expected)
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        Assert.Equal(expected, (ulong)RegisterOnce(memory, mode));
    }

    [Theory]
    [InlineData(RegisterMode.Missing, 0x13cUL)]
    [InlineData(RegisterMode.Minor, 0x1bcUL)]
    [InlineData(RegisterMode.Minor | RegisterMode.WriteProtect, 0x1fcUL)]
    public void Shared_memfd_memory(RegisterMode mode, ulong expected)
    {
        using UffdMemory memory = UffdMemory.MapShared(Environment.SystemPageSize);
        Assert.Equal(expected, (ulong)RegisterOnce(memory, mode));
    }

    [Fact]
    public void Minor_mode_on_anonymous_memory_is_an_argument_error()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = Features, RevokeAccessOnClose = false });
        Assert.Throws<ArgumentException>(() => uffd.Register(memory.Address, memory.Length, RegisterMode.Minor));
        // Nothing was registered: the same range can still be registered in a supported mode.
        Assert.Equal(0x13cUL, (ulong)uffd.Register(memory.Address, memory.Length, RegisterMode.Missing).Ioctls);
        uffd.Unregister(memory.Address, memory.Length);
    }

    internal static UffdIoctls RegisterOnce(UffdMemory memory, RegisterMode mode)
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = Features, RevokeAccessOnClose = false });
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, mode);
        Assert.Equal(mode, VmaInfo.Find(memory.Address)!.RegisteredModes);
        uffd.Unregister(memory.Address, memory.Length);
        return registration.Ioctls;
    }
}
