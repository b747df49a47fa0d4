using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace Uffd.Regions;

/// <summary>
/// Turns the task of an asynchronous provider that returns <see cref="ValueTask"/> into the engine's
/// <see cref="ValueTask{PageFill}"/> (its pages hold their content once it completes). Generated code calls it.
/// </summary>
public static class AsyncPageFill
{
    /// <summary>
    /// <see cref="PageFill.Filled"/> once <paramref name="fill"/> completes. A task already complete costs nothing;
    /// awaiting one that is not takes a pooled state machine, so the wrapper allocates nothing either way.
    /// </summary>
    public static ValueTask<PageFill> Filled(ValueTask fill)
    {
        if (fill.IsCompletedSuccessfully)
        {
            // Ends the task's use (a pooled IValueTaskSource behind it is released now).
            fill.GetAwaiter().GetResult();
            return new ValueTask<PageFill>(PageFill.Filled);
        }

        return WhenFilled(fill);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<PageFill> WhenFilled(ValueTask fill)
    {
        await fill.ConfigureAwait(false);
        return PageFill.Filled;
    }
}
