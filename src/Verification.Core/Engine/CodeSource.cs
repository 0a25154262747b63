namespace Verification;

/// <summary>
/// Where the codes of sends come from: the CSPRNG (<see cref="Random"/>), or, in tests only, codes chosen by
/// Verification.Testing (the only assembly besides Core's own tests that sees this seam). Chosen codes are refused
/// unless every sender the engine delivers through is a fake, so that a chosen code never reaches a real phone or mailbox.
/// </summary>
internal sealed class CodeSource
{
    /// <summary>Codes from the CSPRNG.</summary>
    public static readonly CodeSource Random = new(null, null);

    private readonly Func<int, string?>? _chosen;
    private readonly Func<object, bool>? _isFake;

    private CodeSource(Func<int, string?>? chosen, Func<object, bool>? isFake)
    {
        _chosen = chosen;
        _isFake = isFake;
    }

    /// <summary>Codes from <paramref name="chosen"/> (given the configured length; null there means a CSPRNG code), allowed only with senders that pass <paramref name="isFake"/>.</summary>
    public static CodeSource Chosen(Func<int, string?> chosen, Func<object, bool> isFake)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(isFake);
        return new CodeSource(chosen, isFake);
    }

    /// <summary>The next code of <paramref name="length"/> digits.</summary>
    public string Next(int length) => _chosen?.Invoke(length) ?? CodeHasher.Generate(length);

    /// <summary>Refuses chosen codes with a sender that is not a fake.</summary>
    /// <exception cref="InvalidOperationException">A sender is not a fake; the message names it.</exception>
    public void EnsureAllowedWith(IEnumerable<object> senders)
    {
        if (_isFake is null)
        {
            return;
        }

        foreach (var sender in senders)
        {
            if (!_isFake(sender))
            {
                throw new InvalidOperationException(
                    $"Chosen codes work only with fake senders, but {sender.GetType().FullName} delivers messages of this service. " +
                    "Remove that sender's registration from the test setup (UseFakes() removes the senders registered before it), " +
                    "and leave Verification:PickupDirectory unset.");
            }
        }
    }
}
