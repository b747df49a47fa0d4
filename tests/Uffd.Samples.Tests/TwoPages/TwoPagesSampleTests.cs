using Uffd.Samples.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.TwoPages;

/// <summary>The TwoPages sample as a user runs it: each page's own text, read by the second thread, one fill per page.</summary>
public sealed class TwoPagesSampleTests
{
    [Fact]
    public void TwoPages_prints_the_text_of_each_page_and_exits_0()
    {
        ChildResult result = Sample.Run("TwoPages");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "Hello from page 0: filled on first access by the handler thread.",
                "Hello from page 1: filled on first access by the handler thread.",
                "2 pages filled, one fault each.",
            ],
            result.Lines);
        Assert.Equal("", result.Stderr);
    }
}
