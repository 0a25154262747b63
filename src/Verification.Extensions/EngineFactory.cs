using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verification;

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
    public static VerificationService CreateService(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<VerificationOptions>>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var sms = services.GetServices<ISmsSender>().ToList();
        var email = services.GetServices<IEmailSender>().ToList();
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
            services.GetRequiredService<ICodeStore>(),
            sms,
            email,
            services.GetService<IUserDirectory>(),
            services.GetService<ICaptchaValidator>(),
            services.GetService<IVerificationMessageRenderer>(),
            time,
            services.GetService<ILogger<VerificationService>>(),
            services.GetRequiredService<EngineRuntime>(),
            meterFactory: null,
            services.GetService<CodeSource>());
    }
}
