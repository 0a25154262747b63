using Verification.Captcha.Image;

namespace Verification.Samples.WebApi;

/// <summary>
/// Switches of the sample's own tests and benchmarks, nothing an app needs: <c>Sample:RecordCaptchaAnswersTo</c>
/// (the browser tests read each image captcha's answer from this file) and <c>Sample:Sender=None</c> (the HTTP load
/// run of benchmarks/run.sh measures the service, not a console).
/// </summary>
internal static class SampleHooks
{
    /// <summary>Applies the switches that are set; true when it registered the senders of the channels without a real one.</summary>
    public static bool AddSampleHooks(this WebApplicationBuilder builder, IVerificationBuilder verification, bool realSms, bool realEmail)
    {
        if (builder.Configuration["Sample:RecordCaptchaAnswersTo"] is { Length: > 0 } answers
            && builder.Services.Any(d => d.ServiceType == typeof(ICaptchaImageRenderer)))
        {
            builder.Services.Decorate<ICaptchaImageRenderer>(inner => new RecordingCaptchaRenderer(inner, answers));
        }

        if (!string.Equals(builder.Configuration["Sample:Sender"], "None", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!realSms)
        {
            verification.AddSmsSender<DiscardingSender>();
        }

        if (!realEmail)
        {
            verification.AddEmailSender<DiscardingSender>();
        }

        return true;
    }

    /// <summary>Replaces the last registration of <typeparamref name="TService"/> with <paramref name="decorate"/> of it.</summary>
    private static void Decorate<TService>(this IServiceCollection services, Func<TService, TService> decorate)
        where TService : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(TService));
        services.Remove(descriptor);
        services.AddSingleton(sp => decorate((TService)(descriptor.ImplementationFactory?.Invoke(sp)
            ?? descriptor.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!))));
    }

    /// <summary>Draws with the real renderer and appends the answer to a file, for the sample's browser tests.</summary>
    private sealed class RecordingCaptchaRenderer(ICaptchaImageRenderer inner, string path) : ICaptchaImageRenderer
    {
        private readonly Lock _gate = new();

        public byte[] RenderPng(string text)
        {
            lock (_gate)
            {
                File.AppendAllText(path, text + Environment.NewLine);
            }

            return inner.RenderPng(text);
        }
    }

    /// <summary>A sender that delivers nothing: for load runs, never for people waiting for a code.</summary>
    private sealed class DiscardingSender : ISmsSender, IEmailSender
    {
        public string Name => "none";

        public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
