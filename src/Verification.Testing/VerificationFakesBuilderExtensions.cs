using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires the fakes of Verification.Testing into an app's registration, for its tests.</summary>
public static class VerificationFakesBuilderExtensions
{
    /// <summary>
    /// For tests: replaces every SMS and email sender registered so far with a <see cref="FakeSmsSender"/> and a
    /// <see cref="FakeEmailSender"/>, the user directory with a <see cref="FakeUserDirectory"/> and the captcha
    /// validator with a <see cref="FakeCaptchaValidator"/> (each optional, see <see cref="VerificationFakesOptions"/>),
    /// and lets a <see cref="FakeCodeGenerator"/> choose the codes. Resolve any of them from the service provider.
    /// Calling it again is harmless (the fakes stay the same instances).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Also, for tests: with no signing key and hash key configured, an ephemeral key is allowed
    /// (<c>Tokens:AllowEphemeralKey</c>), and retries of <see cref="DeliveryFailureKind.NotProcessed"/> failures
    /// wait no time (<c>Delivery:RetryDelay</c> = 0), so that a test on a <c>FakeTimeProvider</c> never waits for a
    /// clock that only it advances.
    /// </para>
    /// <para>
    /// Guard: as long as the fakes are in use, no other sender may be registered (for example one added after this
    /// call, or the pickup-directory fallback): the app refuses to start, and the service to be created, with an
    /// <see cref="OptionsValidationException"/> / <see cref="InvalidOperationException"/> naming the sender. So
    /// a chosen code can never go to a real phone or mailbox.
    /// </para>
    /// </remarks>
    /// <param name="builder">The builder returned by <c>AddVerification()</c>.</param>
    /// <param name="configure">Chooses a fixed code, a clock, and which fakes replace the app's own parts.</param>
    /// <returns>The builder.</returns>
    public static IVerificationBuilder UseFakes(this IVerificationBuilder builder, Action<VerificationFakesOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var state = services.FirstOrDefault(d => d.ServiceType == typeof(FakesState))?.ImplementationInstance as FakesState;
        if (state is null)
        {
            state = new FakesState();
            services.AddSingleton(state);
            services.AddSingleton(state.Codes);

            // The engine's code seam: codes from the generator, refused unless every sender is a fake.
            services.AddSingleton(static sp => CodeSource.Chosen(sp.GetRequiredService<FakeCodeGenerator>().Next, FakesOnlyValidator.IsFake));
            services.TryAddSingleton<FakeSmsSender>();
            services.TryAddSingleton<FakeEmailSender>();
            services.AddOptions<VerificationOptions>().ValidateOnStart();
            services.AddSingleton<IPostConfigureOptions<VerificationOptions>, FakesPostConfigure>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerificationOptions>, FakesOnlyValidator>());
        }

        var options = new VerificationFakesOptions { FixedCode = state.Codes.FixedCode };
        configure?.Invoke(options);
        try
        {
            state.Codes.FixedCode = options.FixedCode;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"VerificationFakesOptions.FixedCode: {e.Message}", nameof(configure), e);
        }

        // Every sender registered so far goes; the fakes are the only ones.
        services.RemoveAll<ISmsSender>();
        services.RemoveAll<IEmailSender>();
        services.AddSingleton<ISmsSender>(static sp => sp.GetRequiredService<FakeSmsSender>());
        services.AddSingleton<IEmailSender>(static sp => sp.GetRequiredService<FakeEmailSender>());

        if (options.ReplaceUserDirectory)
        {
            services.TryAddSingleton<FakeUserDirectory>();
            services.RemoveAll<IUserDirectory>();
            services.AddSingleton<IUserDirectory>(static sp => sp.GetRequiredService<FakeUserDirectory>());
        }

        if (options.ReplaceCaptchaValidator)
        {
            services.TryAddSingleton<FakeCaptchaValidator>();
            services.RemoveAll<ICaptchaValidator>();
            services.AddSingleton<ICaptchaValidator>(static sp => sp.GetRequiredService<FakeCaptchaValidator>());
        }

        if (options.TimeProvider is { } clock)
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(clock);
        }

        WrapService(services, state);
        return builder;
    }

    /// <summary>Makes sure the service is the one <c>AddVerification()</c> registered, whose codes the generator chooses.</summary>
    private static void WrapService(IServiceCollection services, FakesState state)
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IVerificationService))
            ?? throw new InvalidOperationException("Call AddVerification() before UseFakes().");
        if (ReferenceEquals(inner, state.Wrapper))
        {
            return;
        }

        services.RemoveAll<IVerificationService>();
        state.Wrapper = ServiceDescriptor.Singleton<IVerificationService>(sp =>
        {
            var service = inner.ImplementationInstance
                ?? inner.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!);
            if (service is not VerificationService engine)
            {
                throw new InvalidOperationException(
                    $"UseFakes() chooses codes through Verification's own VerificationService, but IVerificationService is registered as {service.GetType().FullName}. " +
                    "Leave IVerificationService as AddVerification() registers it when the test runs: register your replacement only outside tests (for example when the environment is not \"Testing\", or in a method the test's set-up does not call).");
            }

            return engine;
        });
        services.Add(state.Wrapper);
    }

    /// <summary>What <c>UseFakes()</c> registered, so that calling it again changes the same fakes.</summary>
    private sealed class FakesState
    {
        public FakeCodeGenerator Codes { get; } = new();

        public ServiceDescriptor? Wrapper { get; set; }
    }
}
