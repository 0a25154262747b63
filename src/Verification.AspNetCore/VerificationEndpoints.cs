using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Verification.AspNetCore;

/// <summary>The request handlers behind <c>MapVerificationEndpoints()</c>, over one (possibly keyed) service.</summary>
internal sealed class VerificationEndpoints(IVerificationService service, IImageCaptcha? captcha, ILogger logger)
{
    internal const string AllowedMethods = "POST, OPTIONS";

    /// <summary>Whether the built-in image captcha is registered (then its endpoints are mapped).</summary>
    public bool HasImageCaptcha => captcha is not null;

    public Task<IResult> SendAsync(HttpContext context) => AnswerAsync(context, static (self, context) => self.SendCoreAsync(context));

    public Task<IResult> VerifyAsync(HttpContext context) => AnswerAsync(context, static (self, context) => self.VerifyCoreAsync(context));

    public Task<IResult> CaptchaDataAsync(HttpContext context) => AnswerAsync(context, static (self, context) => self.CaptchaDataCoreAsync(context));

    public Task<IResult> CaptchaVerifyAsync(HttpContext context) => AnswerAsync(context, static (self, context) => self.CaptchaVerifyCoreAsync(context));

    private async Task<IResult> SendCoreAsync(HttpContext context)
    {
        var body = await VerificationRequestBody.ReadAsync(context.Request, VerificationJsonContext.Default.SendVerificationBody, context.RequestAborted).ConfigureAwait(false);
        if (!body.Succeeded)
        {
            return VerificationHttpResults.Error(body.Error);
        }

        if (!TryParseTarget(body.Value.Target, out var target, out var error) || !TryParseUsage(body.Value.Usage, out var usage, out error))
        {
            return VerificationHttpResults.Error(error);
        }

        var request = new VerificationRequest(body.Value.PhoneNumber, body.Value.Email, target, usage, CaptchaToken(context.Request));
        return VerificationHttpResults.From(await service.SendAsync(request, Context(context), context.RequestAborted).ConfigureAwait(false));
    }

    private async Task<IResult> VerifyCoreAsync(HttpContext context)
    {
        var body = await VerificationRequestBody.ReadAsync(context.Request, VerificationJsonContext.Default.VerifyVerificationBody, context.RequestAborted).ConfigureAwait(false);
        if (!body.Succeeded)
        {
            return VerificationHttpResults.Error(body.Error);
        }

        var request = new VerifyRequest(body.Value.VerificationId, body.Value.VerificationCode);
        return VerificationHttpResults.From(await service.VerifyAsync(request, Context(context), context.RequestAborted).ConfigureAwait(false));
    }

    // The body carries nothing the challenge needs; clients may send {} or nothing at all.
    private async Task<IResult> CaptchaDataCoreAsync(HttpContext context) =>
        VerificationHttpResults.From(await captcha!.CreateChallengeAsync(Context(context), context.RequestAborted).ConfigureAwait(false));

    private async Task<IResult> CaptchaVerifyCoreAsync(HttpContext context)
    {
        var body = await VerificationRequestBody.ReadAsync(context.Request, VerificationJsonContext.Default.CaptchaVerifyBody, context.RequestAborted).ConfigureAwait(false);
        return body.Succeeded
            ? VerificationHttpResults.From(await captcha!.VerifyChallengeAsync(body.Value.Token, body.Value.Key, context.RequestAborted).ConfigureAwait(false))
            : VerificationHttpResults.Error(body.Error);
    }

    /// <summary>Any other method on a library path: a plain OPTIONS learns the methods, the rest get the JSON 405.</summary>
    public static Task OtherMethodAsync(HttpContext context)
    {
        context.Response.Headers.Allow = AllowedMethods;
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        return VerificationHttpResults.HttpOnlyError(VerificationHttpErrorCodes.MethodNotAllowed, VerificationHttpErrorCodes.MethodNotAllowedNumber, "This endpoint accepts POST only.").ExecuteAsync(context);
    }

    /// <summary>The opt-in JSON 404 for a path under the prefix that no endpoint matched.</summary>
    public static Task NotFoundAsync(HttpContext context) =>
        VerificationHttpResults.NotFound().ExecuteAsync(context);

    /// <summary>
    /// Runs a handler; an exception becomes the logged JSON 500, a client that went away gets nothing. The handlers
    /// are static lambdas over this instance, so a request allocates no closure for them.
    /// </summary>
    private async Task<IResult> AnswerAsync(HttpContext context, Func<VerificationEndpoints, HttpContext, Task<IResult>> handle)
    {
        try
        {
            return await handle(this, context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception e)
        {
            Log.UnhandledException(logger, e, context.Request.Path);
            return VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.Internal, "An unexpected error occurred; it has been logged."));
        }
    }

    private static string? CaptchaToken(HttpRequest request)
    {
        var header = request.Headers["x-captcha-token"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var query = request.Query["captcha_token"].ToString();
        return query.Length > 0 ? query : null;
    }

    private static VerificationContext Context(HttpContext context)
    {
        var request = context.Request;
        var device = request.Headers["x-device-id"].ToString();
        var idempotency = request.Headers["Idempotency-Key"].ToString();
        return new VerificationContext
        {
            // What the host says: behind a proxy it configures ForwardedHeaders; X-Forwarded-For is never read here.
            ClientIp = context.Connection.RemoteIpAddress,
            DeviceId = device.Length > 0 ? device : null,
            IdempotencyKey = idempotency.Length > 0 ? idempotency : null,
            Culture = Culture(context),
        };
    }

    /// <summary>
    /// The culture of the request: the app's request localization (<c>UseRequestLocalization</c>) decides when the app
    /// has it, with its supported cultures and providers; otherwise the library reads <c>Accept-Language</c> itself,
    /// taking the first culture the machine knows.
    /// </summary>
    private static CultureInfo? Culture(HttpContext context)
    {
        if (context.Features.Get<IRequestCultureFeature>() is { } requestCulture)
        {
            return requestCulture.RequestCulture.UICulture;
        }

        var header = context.Request.Headers.AcceptLanguage;
        if (header.Count == 0 || !StringWithQualityHeaderValue.TryParseList(header, out var languages))
        {
            return null;
        }

        foreach (var language in languages.OrderByDescending(l => l.Quality ?? 1))
        {
            var name = language.Value.Value;
            if (name is null or "*" || name.Length > 32)
            {
                continue;
            }

            try
            {
                return CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            }
            catch (CultureNotFoundException)
            {
            }
        }

        return null;
    }

    private static bool TryParseTarget(string? value, out VerificationTarget target, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out VerificationError? error)
    {
        error = null;
        target = VerificationTarget.Any;
        if (value is null || WireValues.TryParseTarget(value, out target))
        {
            return true;
        }

        error = VerificationRequestBody.Invalid(WireFields.Target, VerificationErrorReasons.UnknownValue, "target must be ANY, USER or NOT_USER.");
        return false;
    }

    private static bool TryParseUsage(string? value, out VerificationUsage? usage, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out VerificationError? error)
    {
        error = null;
        usage = null;
        if (value is null)
        {
            return true;
        }

        if (WireValues.TryParseUsage(value, out var parsed))
        {
            usage = parsed;
            return true;
        }

        error = VerificationRequestBody.Invalid(WireFields.Usage, VerificationErrorReasons.UnknownValue, "usage must be REGISTER, SIGN_IN, PASSWORD_RESET, EMAIL_ADDRESS_CHANGE or PHONE_NUMBER_CHANGE.");
        return false;
    }
}

internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Error, "Unhandled exception while answering {Path}; answered 500 internal.")]
    public static partial void UnhandledException(ILogger logger, Exception exception, PathString path);
}
