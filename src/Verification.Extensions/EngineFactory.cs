using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verification;
using Verification.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Creates the engine from a container: the host's one <see cref="EngineRuntime"/> (keys and meter), its registered
/// parts, and the registration decisions that belong to the builder rather than to the engine.
/// </summary>
internal static class EngineFactory
{
    /// <summary>
    /// The <see cref="VerificationService"/> of the container. <c>Verification:PickupDirectory</c> is decided here: a
    /// channel with no registered sender delivers to the pickup directory; one with senders is left as it is.
    /// </summary>
    public static VerificationService CreateService(IServiceProvider services) => CreateService(services, null);

    /// <summary>
    /// The service of the tenant <paramref name="key"/> (null: the default): its named options, store and runtime,
    /// and its keyed parts where it has any, otherwise the app's unkeyed ones.
    /// </summary>
    public static VerificationService CreateService(IServiceProvider services, object? key)
    {
        var options = OptionsOf(services, key);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var sms = Parts<ISmsSender>(services, key);
        var email = Parts<IEmailSender>(services, key);
        if (options.Value.PickupDirectory is { } folder && (sms.Count == 0 || email.Count == 0))
        {
            var pickup = new PickupDirectorySender(folder, time);
            if (sms.Count == 0)
            {
                sms.Add(pickup);
            }

            if (email.Count == 0)
            {
                email.Add(pickup);
            }
        }

        return new VerificationService(
            options,
            key is null ? services.GetRequiredService<ICodeStore>() : services.GetRequiredKeyedService<ICodeStore>(key),
            sms,
            email,
            Part<IUserDirectory>(services, key),
            Part<ICaptchaValidator>(services, key),
            Part<IVerificationMessageRenderer>(services, key) ?? Renderer(services, key),
            time,
            services.GetService<ILogger<VerificationService>>(),
            key is null ? services.GetRequiredService<EngineRuntime>() : services.GetRequiredKeyedService<EngineRuntime>(key),
            meterFactory: null,
            services.GetService<CodeSource>());
    }

    /// <summary>The options of the tenant <paramref name="key"/> (its name), or the unnamed options.</summary>
    public static IOptions<VerificationOptions> OptionsOf(IServiceProvider services, object? key) =>
        key is null
            ? services.GetRequiredService<IOptions<VerificationOptions>>()
            : Options.Options.Create(services.GetRequiredService<IOptionsMonitor<VerificationOptions>>().Get(key as string ?? key.ToString()));

    /// <summary>The built-in renderer with the wording the app added: templates set in code first, then localizers in order.</summary>
    private static VerificationMessageRenderer Renderer(IServiceProvider services, object? key) =>
        new([.. Parts<MessageLocalizerPart>(services, key).OrderBy(static p => p.IsTemplate ? 0 : 1).Select(static p => p.Localizer)]);

    private static List<T> Parts<T>(IServiceProvider services, object? key)
        where T : class =>
        key is not null && services.GetKeyedServices<T>(key).ToList() is { Count: > 0 } keyed ? keyed : [.. services.GetServices<T>()];

    private static T? Part<T>(IServiceProvider services, object? key)
        where T : class =>
        (key is null ? null : services.GetKeyedService<T>(key)) ?? services.GetService<T>();
}
