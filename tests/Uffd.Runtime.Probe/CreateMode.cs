namespace Uffd.Runtime.Probe;

internal static class CreateMode
{
    public static int Run(UserModeOnlyPolicy policy)
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { UserModeOnly = policy, RevokeAccessOnClose = false });
        Program.Print($"path={uffd.CreationPath} usermodeonly={uffd.IsUserModeOnly.ToString().ToLowerInvariant()} " +
                      $"features=0x{(ulong)uffd.SupportedFeatures:x}");
        return 0;
    }
}
