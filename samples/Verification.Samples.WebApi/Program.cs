using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verification;
using Verification.AspNetCore;
using Verification.Samples.WebApi;

var builder = WebApplication.CreateBuilder(args);

// Everything comes from appsettings.json and Verification__… environment variables (section "Verification").
var verification = builder.Services.AddVerification();
if (!string.IsNullOrWhiteSpace(builder.Configuration["Verification:Captcha:Provider"]))
{
    // Turnstile, hCaptcha or reCAPTCHA, with Verification:Captcha:Secret (see docs/captcha-providers.md).
    verification.AddCaptcha();
}
else
{
    // The built-in image captcha answers /auth/v1/captcha/data; the page shows it when a send answers captcha_required.
    verification.AddImageCaptcha();
    if (builder.Configuration["Sample:RecordCaptchaAnswersTo"] is { Length: > 0 } answers)
    {
        // Test seam of the browser tests only: also writes each challenge's answer to this file.
        builder.Services.Decorate<ICaptchaImageRenderer>(inner => new RecordingCaptchaRenderer(inner, answers));
    }
}

// Real providers when configured (options and error mapping: docs/providers.md). Senders are tried in order.
var realEmail = !string.IsNullOrWhiteSpace(builder.Configuration["Verification:Smtp:Host"]);
var tencent = !string.IsNullOrWhiteSpace(builder.Configuration["Verification:TencentCloudSms:SecretId"]);
var twilio = !string.IsNullOrWhiteSpace(builder.Configuration["Verification:Twilio:AccountSid"]);
var realSms = tencent || twilio;
if (realEmail)
{
    verification.AddSmtpEmail();
}

if (tencent)
{
    verification.AddTencentCloudSms();
}

if (twilio)
{
    // With both configured, Tencent Cloud is tried first and Twilio is its failover.
    verification.AddTwilioSms();
}

if (string.Equals(builder.Configuration["Sample:Sender"], "None", StringComparison.OrdinalIgnoreCase))
{
    // Sample:Sender=None: channels without a real sender deliver nothing and print nothing (the HTTP load run of
    // benchmarks/run.sh measures the service, not a console).
    if (!realSms)
    {
        verification.AddSmsSender<DiscardingSender>();
    }

    if (!realEmail)
    {
        verification.AddEmailSender<DiscardingSender>();
    }
}
else if (string.IsNullOrWhiteSpace(builder.Configuration["Verification:PickupDirectory"]))
{
    // Embedded default: print each message, code included, on this console — only for channels without a real
    // sender, so that no code meant for a real phone or mailbox lands on the console.
    if (!realSms)
    {
        verification.AddSmsSender<ConsoleVerificationSender>();
    }

    if (!realEmail)
    {
        verification.AddEmailSender<ConsoleVerificationSender>();
    }
}

// With Verification:PickupDirectory set, the library writes each message as a JSON file into that folder instead.

// With Verification:Redis:Configuration set (e.g. Verification__Redis__Configuration=127.0.0.1:6379), codes, attempts
// and limits live in Redis, shared by every instance; otherwise in this process's memory.
if (!string.IsNullOrWhiteSpace(builder.Configuration["Verification:Redis:Configuration"]))
{
    verification.UseRedisStore();
}

// GET /healthz runs Verification's health checks (tag "verification"): the store, and each configured provider's
// reachability, none of which sends a message.
var health = builder.Services.AddHealthChecks().AddVerificationStore();
if (!string.IsNullOrWhiteSpace(builder.Configuration["Verification:Redis:Configuration"]))
{
    health.AddVerificationRedis();
}

if (realEmail)
{
    health.AddVerificationSmtp();
}

if (tencent)
{
    health.AddVerificationTencentCloudSms();
}

if (twilio)
{
    health.AddVerificationTwilio();
}

if (!string.IsNullOrWhiteSpace(builder.Configuration["Verification:Captcha:Provider"]))
{
    health.AddVerificationCaptcha();
}

builder.Services.AddSingleton<DemoAccounts>();
builder.Services.AddSingleton<IUserDirectory>(sp => sp.GetRequiredService<DemoAccounts>());

// Sample:Users=Identity: users in ASP.NET Core Identity on SQLite instead of the demo's memory (SampleIdentityUsers.cs).
var identityUsers = builder.AddSampleIdentityUsers(verification);

var app = builder.Build();

app.UseExceptionHandler(error => error.Run(context =>
    VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.Internal, "An unexpected error occurred.")).ExecuteAsync(context)));
app.UseDefaultFiles();
app.UseStaticFiles();

// Routing after the static files, so that the JSON fallback below never hides the demo page.
app.UseRouting();

// POST /auth/v1/verification and /auth/v1/verification/verify.
app.MapVerificationEndpoints();

if (identityUsers)
{
    // Verification.Identity: sign-up, sign-in, token refresh and user/me over ASP.NET Core Identity.
    app.MapSampleIdentityUsers();
}
else
{
    // The host's own sign-up and sign-in: each redeems the verification_token exactly once.
    app.MapPost("/auth/v1/signup", async (HttpRequest request, IVerificationService service, DemoAccounts accounts) =>
    {
        var (body, contact, error) = await SampleBody.RedeemAsync(request, service);
        if (error is not null)
        {
            return error;
        }

        if (SampleBody.Mismatch(contact!, body!.Get("phone_number"), body.Get("email")) is { } mismatch)
        {
            return VerificationHttpResults.Error(mismatch);
        }

        return accounts.TryCreate(contact!, out var account)
            ? Results.Json(new { user_id = account.UserId, contact = account.Contact, status = "signed_up" })
            : VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.AlreadyExists, "An account already exists for this contact; sign in instead."));
    });

    app.MapPost("/auth/v1/signin", async (HttpRequest request, IVerificationService service, DemoAccounts accounts) =>
    {
        var (_, contact, error) = await SampleBody.RedeemAsync(request, service);
        if (error is not null)
        {
            return error;
        }

        return accounts.Find(contact!) is { } account
            ? Results.Json(new { user_id = account.UserId, contact = account.Contact, status = "signed_in" })
            : VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.UserNotFound, "No account exists for this contact; sign up instead."));
    });
}

// Health: 200 with {"status":"ok"} when every check is healthy, 200 "degraded", or 503 "unhealthy"; each check's
// status and description (never an exception's details) under "checks".
app.MapHealthChecks("/healthz", new HealthCheckOptions
{
    Predicate = static check => check.Tags.Contains("verification"),
    ResponseWriter = static (context, report) =>
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status switch { HealthStatus.Healthy => "ok", HealthStatus.Degraded => "degraded", _ => "unhealthy" },
            checks = report.Entries.ToDictionary(
                static e => e.Key,
                static e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        }));
    },
});

// Liveness: answers at once without running any check (readiness is /healthz). benchmarks/run.sh also uses it as
// the trivial JSON endpoint that the send endpoint's requests per second are compared with.
app.MapGet("/ping", static () => Results.Json(new { status = "ok" }));

// Everything else answers JSON too, so API clients never see an HTML error page.
app.MapFallback("{*path}", () => VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.NotFound, "No endpoint exists at this path.")));

app.Run();

/// <summary>The small JSON bodies of the demo's sign-up and sign-in, read whatever the content type.</summary>
internal sealed class SampleBody
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public VerificationError? Error { get; private init; }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Reads the body and redeems its verification_token; the error, when there is one, is ready to return.</summary>
    public static async Task<(SampleBody? Body, VerifiedContact? Contact, IResult? Error)> RedeemAsync(HttpRequest request, IVerificationService service)
    {
        var body = await ReadAsync(request);
        if (body.Error is not null)
        {
            return (null, null, VerificationHttpResults.Error(body.Error));
        }

        var redeemed = await service.RedeemVerificationTokenAsync(body.Get("verification_token") ?? string.Empty, cancellationToken: request.HttpContext.RequestAborted);
        return redeemed.Succeeded ? (body, redeemed.Value, null) : (null, null, VerificationHttpResults.Error(redeemed.Error));
    }

    public static async Task<SampleBody> ReadAsync(HttpRequest request)
    {
        // The same 4 KiB cap as the library's endpoints: read at most one byte more than allowed.
        const int max = VerificationEndpointOptions.MaxRequestBodySize;
        var buffer = new byte[max + 1];
        var length = 0;
        int read;
        while (length <= max && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > max)
        {
            return Invalid($"The request body is larger than {max} bytes.", VerificationErrorReasons.TooLong);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid("The request body must be a JSON object.");
            }

            var body = new SampleBody();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    body._values[property.Name] = property.Value.GetString();
                }
                else if (property.Value.ValueKind != JsonValueKind.Null && property.Name is "verification_token" or "phone_number" or "email")
                {
                    return Invalid($"{property.Name} must be a string.");
                }
            }

            return body;
        }
        catch (JsonException)
        {
            return Invalid("The request body is not valid JSON.");
        }
    }

    /// <summary>A contact in the body must be the one the token proves (compared on digits for phones).</summary>
    public static VerificationError? Mismatch(VerifiedContact contact, string? phone, string? email)
    {
        var given = contact.Channel == VerificationChannel.Sms ? phone : email;
        if (string.IsNullOrWhiteSpace(given))
        {
            return null;
        }

        var same = contact.Channel == VerificationChannel.Sms
            ? new string(given.Where(char.IsAsciiDigit).ToArray()) == contact.Contact.TrimStart('+')
            : string.Equals(given.Trim(), contact.Contact, StringComparison.OrdinalIgnoreCase);
        return same
            ? null
            : new VerificationError(VerificationErrorCodes.InvalidArgument, "The contact differs from the one the verification token proves.")
            {
                Field = contact.Channel == VerificationChannel.Sms ? "phone_number" : "email",
                Reason = VerificationErrorReasons.Malformed,
            };
    }

    private static SampleBody Invalid(string description, string reason = VerificationErrorReasons.Malformed) => new()
    {
        Error = new VerificationError(VerificationErrorCodes.InvalidArgument, description) { Field = "body", Reason = reason },
    };
}

/// <summary>Draws with the real renderer and appends the answer to a file, for the sample's browser tests.</summary>
internal sealed class RecordingCaptchaRenderer(ICaptchaImageRenderer inner, string path) : ICaptchaImageRenderer
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

/// <summary>A sender that delivers nothing (Sample:Sender=None): for load runs, never for people waiting for a code.</summary>
internal sealed class DiscardingSender : ISmsSender, IEmailSender
{
    public string Name => "none";

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>A minimal decorator registration, so the sample needs no extra package for its test seam.</summary>
internal static class DecorateExtensions
{
    public static void Decorate<TService>(this IServiceCollection services, Func<TService, TService> decorate)
        where TService : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(TService));
        services.Remove(descriptor);
        services.AddSingleton(sp => decorate((TService)(descriptor.ImplementationFactory?.Invoke(sp)
            ?? descriptor.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!))));
    }
}

/// <summary>Lets tests start the sample in-process.</summary>
public partial class Program;
