using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Verification.AspNetCore;

/// <summary>The request handlers behind <c>MapVerificationEndpoints()</c>.</summary>
internal sealed class VerificationEndpoints
{
    private static readonly string[] SendFields = ["phone_number", "email", "target", "usage"];
    private static readonly string[] VerifyFields = ["verification_id", "verification_code"];
    private static readonly string[] CaptchaVerifyFields = ["token", "key"];

    private const string AllowedMethods = "POST, OPTIONS";
    private const string DefaultAllowedHeaders = "content-type, x-captcha-token, x-device-id, x-request-id, x-sdk-version, idempotency-key, accept-language";

    private readonly IVerificationService _service;
    private readonly ImageCaptchaService? _captcha;
    private readonly ILogger _logger;
    private readonly HashSet<string> _origins;
    private readonly bool _anyOrigin;

    public VerificationEndpoints(IServiceProvider services, VerificationEndpointOptions options)
    {
        _service = services.GetRequiredService<IVerificationService>();
        _captcha = services.GetService<ImageCaptchaService>();
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("Verification.AspNetCore") ?? NullLogger.Instance;
        _anyOrigin = options.AllowedOrigins.Any(o => o.Trim() == "*");
        _origins = new HashSet<string>(options.AllowedOrigins.Select(o => o.Trim().TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether the built-in image captcha is registered (then its endpoints are mapped).</summary>
    public bool HasImageCaptcha => _captcha is not null;

    public Task CaptchaDataAsync(HttpContext context) => GuardAsync(context, async () =>
    {
        // The body carries nothing the challenge needs; clients may send {} or nothing at all.
        var result = await _captcha!.CreateChallengeAsync(Context(context), context.RequestAborted).ConfigureAwait(false);
        await (result.Succeeded
            ? VerificationHttpResults.WriteAsync(context.Response, result.Value)
            : VerificationHttpResults.WriteErrorAsync(context.Response, result.Error)).ConfigureAwait(false);
    });

    public Task CaptchaVerifyAsync(HttpContext context) => GuardAsync(context, async () =>
    {
        var values = new string?[CaptchaVerifyFields.Length];
        var error = await RequestBody.ReadAsync(context.Request, CaptchaVerifyFields, values, context.RequestAborted).ConfigureAwait(false);
        if (error is not null)
        {
            await VerificationHttpResults.WriteErrorAsync(context.Response, error).ConfigureAwait(false);
            return;
        }

        var result = await _captcha!.VerifyChallengeAsync(values[0], values[1], context.RequestAborted).ConfigureAwait(false);
        await (result.Succeeded
            ? VerificationHttpResults.WriteAsync(context.Response, result.Value)
            : VerificationHttpResults.WriteErrorAsync(context.Response, result.Error)).ConfigureAwait(false);
    });

    public static VerificationEndpointOptions ReadOptions(IServiceProvider services, Action<VerificationEndpointOptions>? configure)
    {
        var options = new VerificationEndpointOptions();
        if (services.GetService<IConfiguration>() is { } configuration)
        {
            var section = new ConfigurationReader(configuration.GetSection(VerificationEndpointOptions.SectionName), VerificationEndpointOptions.SectionName);
            options.RoutePrefix = section.String("RoutePrefix") ?? options.RoutePrefix;
            options.AllowedOrigins = section.StringList("AllowedOrigins") ?? options.AllowedOrigins;
            if (section.Errors.Count > 0)
            {
                throw new InvalidOperationException(string.Join(Environment.NewLine, section.Errors));
            }
        }

        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.RoutePrefix) || !options.RoutePrefix.StartsWith('/'))
        {
            throw new InvalidOperationException($"Verification:Http:RoutePrefix '{options.RoutePrefix}' must start with '/', for example \"/auth/v1\".");
        }

        return options;
    }

    public Task SendAsync(HttpContext context) => GuardAsync(context, async () =>
    {
        var values = new string?[SendFields.Length];
        var error = await RequestBody.ReadAsync(context.Request, SendFields, values, context.RequestAborted).ConfigureAwait(false);
        if (error is not null)
        {
            await VerificationHttpResults.WriteErrorAsync(context.Response, error).ConfigureAwait(false);
            return;
        }

        if (!TryParseTarget(values[2], out var target, out error) || !TryParseUsage(values[3], out var usage, out error))
        {
            await VerificationHttpResults.WriteErrorAsync(context.Response, error!).ConfigureAwait(false);
            return;
        }

        var request = new VerificationRequest(values[0], values[1], target, usage, CaptchaToken(context.Request));
        var result = await _service.SendAsync(request, Context(context), context.RequestAborted).ConfigureAwait(false);
        await (result.Succeeded
            ? VerificationHttpResults.WriteAsync(context.Response, result.Value)
            : VerificationHttpResults.WriteErrorAsync(context.Response, result.Error)).ConfigureAwait(false);
    });

    public Task VerifyAsync(HttpContext context) => GuardAsync(context, async () =>
    {
        var values = new string?[VerifyFields.Length];
        var error = await RequestBody.ReadAsync(context.Request, VerifyFields, values, context.RequestAborted).ConfigureAwait(false);
        if (error is not null)
        {
            await VerificationHttpResults.WriteErrorAsync(context.Response, error).ConfigureAwait(false);
            return;
        }

        var result = await _service.VerifyAsync(new VerifyRequest(values[0], values[1]), Context(context), context.RequestAborted).ConfigureAwait(false);
        await (result.Succeeded
            ? VerificationHttpResults.WriteAsync(context.Response, result.Value)
            : VerificationHttpResults.WriteErrorAsync(context.Response, result.Error)).ConfigureAwait(false);
    });

    /// <summary>Answers a CORS preflight: allowed origins get the methods and the headers they asked for.</summary>
    public Task PreflightAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.Allow = AllowedMethods;
        if (ApplyCors(context))
        {
            var requested = context.Request.Headers.AccessControlRequestHeaders.ToString();
            response.Headers.AccessControlAllowMethods = AllowedMethods;
            response.Headers.AccessControlAllowHeaders = requested.Length is > 0 and <= 1024 ? requested : DefaultAllowedHeaders;
            response.Headers.AccessControlMaxAge = "600";
        }

        return Task.CompletedTask;
    }

    public Task MethodNotAllowedAsync(HttpContext context)
    {
        ApplyCors(context);
        context.Response.Headers.Allow = AllowedMethods;
        return VerificationHttpResults.WriteErrorAsync(context.Response, Errors.MethodNotAllowed);
    }

    public Task NotFoundAsync(HttpContext context)
    {
        ApplyCors(context);
        return VerificationHttpResults.WriteErrorAsync(context.Response, Errors.NotFound);
    }

    private async Task GuardAsync(HttpContext context, Func<Task> handle)
    {
        ApplyCors(context);
        try
        {
            await handle().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e)
        {
            Log.UnhandledException(_logger, e, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                ApplyCors(context);
                await VerificationHttpResults.WriteErrorAsync(context.Response, Errors.Internal).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds the CORS headers when the request comes from an allowed origin; true when it does.</summary>
    private bool ApplyCors(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || (!_anyOrigin && !_origins.Contains(origin)))
        {
            return false;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = _anyOrigin ? "*" : origin;
        headers.AccessControlExposeHeaders = "Retry-After";
        headers.Vary = StringValues.Concat(headers.Vary, "Origin");
        return true;
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
            Culture = Culture(request),
        };
    }

    private static CultureInfo? Culture(HttpRequest request)
    {
        var header = request.Headers.AcceptLanguage;
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

    private static bool TryParseTarget(string? value, out VerificationTarget target, out VerificationError? error)
    {
        error = null;
        target = value switch
        {
            null => VerificationTarget.Any,
            "ANY" => VerificationTarget.Any,
            "USER" => VerificationTarget.User,
            "NOT_USER" => VerificationTarget.NotUser,
            _ => (VerificationTarget)(-1),
        };
        if (Enum.IsDefined(target))
        {
            return true;
        }

        error = Errors.InvalidArgument("target", VerificationErrorReasons.UnknownValue, "target must be ANY, USER or NOT_USER.");
        return false;
    }

    private static bool TryParseUsage(string? value, out VerificationUsage? usage, out VerificationError? error)
    {
        error = null;
        usage = value switch
        {
            null => null,
            "REGISTER" => VerificationUsage.Register,
            "SIGN_IN" => VerificationUsage.SignIn,
            "PASSWORD_RESET" => VerificationUsage.PasswordReset,
            "EMAIL_ADDRESS_CHANGE" => VerificationUsage.EmailAddressChange,
            "PHONE_NUMBER_CHANGE" => VerificationUsage.PhoneNumberChange,
            _ => (VerificationUsage)(-1),
        };
        if (usage is null || Enum.IsDefined(usage.Value))
        {
            return true;
        }

        error = Errors.InvalidArgument("usage", VerificationErrorReasons.UnknownValue, "usage must be REGISTER, SIGN_IN, PASSWORD_RESET, EMAIL_ADDRESS_CHANGE or PHONE_NUMBER_CHANGE.");
        return false;
    }
}

internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Error, "Unhandled exception while answering {Path}; answered 500 internal.")]
    public static partial void UnhandledException(ILogger logger, Exception exception, PathString path);
}
