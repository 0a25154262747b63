using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Verification.Testing;

/// <summary>Test-friendly settings that <c>UseFakes()</c> promises (see its remarks).</summary>
internal sealed class FakesPostConfigure : IPostConfigureOptions<VerificationOptions>
{
    public void PostConfigure(string? name, VerificationOptions options)
    {
        if (options.Tokens.SigningKeys.Count == 0 && string.IsNullOrEmpty(options.Tokens.HashKey))
        {
            options.Tokens.AllowEphemeralKey = true;
        }

        // Fakes answer at once; a retry delay on a FakeTimeProvider would wait until the test advances the clock.
        options.Delivery.RetryDelay = TimeSpan.Zero;
    }
}

/// <summary>Refuses to start when a sender other than the fakes is registered alongside <c>UseFakes()</c>.</summary>
internal sealed class FakesOnlyValidator(IServiceProvider services) : IValidateOptions<VerificationOptions>
{
    public static bool IsFake(object sender) => sender is FakeSmsSender or FakeEmailSender;

    public ValidateOptionsResult Validate(string? name, VerificationOptions options)
    {
        var real = services.GetServices<ISmsSender>().Cast<object>()
            .Concat(services.GetServices<IEmailSender>())
            .Where(s => !IsFake(s))
            .Select(s => s.GetType().FullName)
            .Distinct()
            .ToList();
        return real.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"UseFakes() is in use, but {string.Join(", ", real)} is also registered as a sender, so messages (and chosen codes) could reach a real phone or mailbox. " +
                "Register that sender before UseFakes() (which removes it) or not at all in the test.");
    }
}
