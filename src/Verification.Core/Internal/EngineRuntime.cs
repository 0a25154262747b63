using System.Diagnostics.Metrics;

namespace Verification;

/// <summary>
/// What the services of one host share: the key ring and hash key (loaded once), and the instruments of the
/// <c>Verification</c> meter (created once). <c>AddVerification()</c> registers one; a service created without a
/// container makes its own.
/// </summary>
internal sealed class EngineRuntime
{
    /// <summary>Validates <paramref name="settings"/> and loads the keys.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid or a key cannot be loaded.</exception>
    public EngineRuntime(VerificationOptions settings, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        VerificationOptionsValidator.ThrowIfInvalid(settings);
        Keys = KeyMaterial.Load(settings);
        Metrics = new VerificationMetrics(meterFactory);
    }

    public KeyMaterial Keys { get; }

    public VerificationMetrics Metrics { get; }
}
