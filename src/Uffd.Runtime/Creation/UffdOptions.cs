namespace Uffd;

/// <summary>What a new <see cref="Userfaultfd"/> must and may have.</summary>
public sealed record UffdOptions
{
    /// <summary>Features without which creation fails with <see cref="UffdFeatureNotSupportedException"/>.</summary>
    public UffdFeatures RequiredFeatures { get; init; }

    /// <summary>Features enabled when the kernel supports them, silently left out otherwise.</summary>
    public UffdFeatures OptionalFeatures { get; init; }

    /// <summary>Whether a user-mode-only uffd is acceptable; see <see cref="UserModeOnlyPolicy"/>.</summary>
    public UserModeOnlyPolicy UserModeOnly { get; init; } = UserModeOnlyPolicy.Allow;

    /// <summary>
    /// When true (the default), disposing the uffd first makes every range it still has registered inaccessible
    /// (<c>mprotect(PROT_NONE)</c>). Without that, closing the last descriptor turns every pending and future fault
    /// in those ranges into a silently zero-filled page; with it, such an access fails loudly (SIGSEGV).
    /// Unregister a range explicitly to keep it usable after disposal.
    /// </summary>
    public bool RevokeAccessOnClose { get; init; } = true;

    /// <summary>Defaults: no features, any creation path, revoke access on close.</summary>
    public static UffdOptions Default { get; } = new();
}
