using Uffd.Interop;

namespace Uffd.Runtime.Tests.Interop;

/// <summary>Error texts: the name, then the platform's own text, except where the runtime says more.</summary>
public sealed class ErrnoTests
{
    [Theory]
    [InlineData(Errno.EPERM, "EPERM (Operation not permitted)")]
    [InlineData(Errno.ENOENT, "ENOENT (No such file or directory)")]
    [InlineData(Errno.EINVAL, "EINVAL (Invalid argument)")]
    [InlineData(Errno.EHWPOISON, "EHWPOISON (Memory page has hardware error)")]
    public void Describe_names_the_errno_and_gives_the_platform_text(int errno, string expected) =>
        Assert.Equal(expected, Errno.Describe(errno));

    [Fact]
    public void An_errno_without_a_name_is_described_by_number_and_text()
    {
        Assert.Equal("errno 4095 (Unknown error 4095)", Errno.Describe(4095));
    }

    [Theory]
    [InlineData(Errno.EMFILE, "EMFILE, too many open files (RLIMIT_NOFILE, ulimit -n): close descriptors or raise the limit")]
    [InlineData(Errno.ENFILE, "ENFILE, too many open files in the system (fs.file-max): close descriptors or raise the limit")]
    public void Out_of_descriptors_names_the_limit_that_was_reached(int errno, string expected) =>
        Assert.Equal(expected, Errno.Describe(errno));
}
