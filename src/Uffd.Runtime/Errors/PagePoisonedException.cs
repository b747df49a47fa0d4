namespace Uffd;

/// <summary>
/// A span or prefault covered a poisoned page (the provider returned <see cref="PageFill.Poison"/>, or threw under
/// <see cref="ProviderErrorPolicy.Poison"/>): touching it would raise SIGBUS, so the accessor throws instead.
/// </summary>
public sealed class PagePoisonedException : UffdException
{
    /// <summary>Creates the exception.</summary>
    public PagePoisonedException(string region, long pageIndex)
        : base($"Region '{region}': page {pageIndex} is poisoned (its provider returned PageFill.Poison, or threw under the Poison policy); " +
               "touching it raises SIGBUS, so no span covers it.", Interop.Errno.EHWPOISON)
    {
        PageIndex = pageIndex;
    }

    /// <summary>The poisoned page's index.</summary>
    public long PageIndex { get; }
}
