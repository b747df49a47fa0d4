using System;

namespace Uffd;

/// <summary>A userfaultfd operation failed in a way the caller cannot simply retry.</summary>
public class UffdException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UffdException(string message, int errno = 0, Exception? inner = null) : base(message, inner)
    {
        Errno = errno;
    }

    /// <summary>The errno the kernel returned, or 0 when the runtime refused before calling it.</summary>
    public int Errno { get; }
}

/// <summary>No userfaultfd could be created; <see cref="Exception.Message"/> names each attempt, its cause and the fix.</summary>
public sealed class UffdUnavailableException : UffdException
{
    /// <summary>Creates the exception.</summary>
    public UffdUnavailableException(string message, int errno) : base(message, errno)
    {
    }
}

/// <summary>A feature the caller required is not supported by the running kernel.</summary>
public sealed class UffdFeatureNotSupportedException : UffdException
{
    /// <summary>Creates the exception.</summary>
    public UffdFeatureNotSupportedException(UffdFeatures missing, UffdFeatures supported)
        : base(BuildMessage(missing, supported))
    {
        MissingFeatures = missing;
        SupportedFeatures = supported;
    }

    /// <summary>The required features the kernel lacks.</summary>
    public UffdFeatures MissingFeatures { get; }

    /// <summary>What the kernel supports.</summary>
    public UffdFeatures SupportedFeatures { get; }

    private static string BuildMessage(UffdFeatures missing, UffdFeatures supported) =>
        $"The running kernel (Linux {KernelInfo.Release}) does not support {FeatureCatalog.Describe(missing)}. " +
        $"Run on a kernel that has it, or stop requiring the feature. " +
        $"Supported here: 0x{(ulong)supported:x}.";
}

/// <summary>The kernel refused an operation for lack of a permission; the message names the capability or setting.</summary>
public sealed class UffdPermissionException : UffdException
{
    /// <summary>Creates the exception.</summary>
    public UffdPermissionException(string message, int errno) : base(message, errno)
    {
    }
}
