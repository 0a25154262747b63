namespace Verification;

/// <summary>A counting window: at most <see cref="Limit"/> events per <see cref="Window"/>. A limit of 0 turns it off.</summary>
public sealed class RateWindow
{
    /// <summary>Creates a window of 0 (off) per hour; configuration binding fills it.</summary>
    public RateWindow()
    {
    }

    /// <summary>Creates a window.</summary>
    /// <param name="limit">Events per window; 0 turns it off.</param>
    /// <param name="window">The window's length.</param>
    public RateWindow(int limit, TimeSpan window)
    {
        Limit = limit;
        Window = window;
    }

    /// <summary>Events per window; 0 turns the limit off.</summary>
    public int Limit { get; set; }

    /// <summary>The window's length, from its first event.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}
