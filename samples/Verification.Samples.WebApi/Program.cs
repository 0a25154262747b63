using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;
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

// The sample's own test and benchmark switches (Sample:…) live in SampleHooks.cs, apart from this how-to.
var hooked = builder.AddSampleHooks(verification, realSms, realEmail);
if (!hooked && string.IsNullOrWhiteSpace(builder.Configuration["Verification:PickupDirectory"]))
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
var redis = !string.IsNullOrWhiteSpace(builder.Configuration["Verification:Redis:Configuration"]);
if (redis)
{
    verification.UseRedisStore();
}

// GET /healthz runs Verification's health checks (tag "verification"): the store, and each configured provider's
// reachability, none of which sends a message. Each probe is cached, but it is still a credentialed call to a
// provider, so readiness is served on the management endpoint only (Sample:ManagementUrl, by default
// http://127.0.0.1:5081; ManagementEndpoint.cs), never on the public one.
var managementPort = builder.AddManagementEndpoint();
var health = builder.Services.AddHealthChecks().AddVerificationStore();
if (redis)
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

// The demo's accounts, which are also the library's user directory (is_user, target USER / NOT_USER).
builder.Services.AddSingleton<DemoAccounts>();
builder.Services.AddSingleton<IUserDirectory>(sp => sp.GetRequiredService<DemoAccounts>());

// Sample:Users=Identity: users in ASP.NET Core Identity on SQLite instead of the demo's memory (SampleIdentityUsers.cs).
var identityUsers = builder.AddSampleIdentityUsers(verification);

// The endpoints' options (Verification:Http: RoutePrefix, AllowedOrigins, ErrorFormat…), validated at start.
builder.Services.AddVerificationEndpoints();

// OpenAPI: in Development, /openapi/v1.json describes every endpoint and /scalar/v1 lets you try them.
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseExceptionHandler(error => error.Run(context =>
    VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.Internal, "An unexpected error occurred.")).ExecuteAsync(context)));

// /healthz on the management port only; the management port serves nothing else but /ping.
app.UseManagementEndpoint(managementPort);
app.UseDefaultFiles();
app.UseStaticFiles();

// Routing after the static files, so that the JSON fallback below never hides the demo page.
app.UseRouting();

if (app.Environment.IsDevelopment())
{
    app.MapOpenApi();
    app.MapScalarApiReference();
}

// POST /auth/v1/verification and /auth/v1/verification/verify (and the image captcha's /auth/v1/captcha/data…).
var auth = app.MapVerificationEndpoints();

if (identityUsers)
{
    // Verification.Identity: sign-up, sign-in, token refresh and user/me over ASP.NET Core Identity.
    app.MapSampleIdentityUsers();
}
else
{
    // The host's own sign-up and sign-in, on the same group (prefix, CORS policy, error format): each redeems the
    // verification_token exactly once, with the library's body reader and answers. The token must fit the call
    // before it is consumed: its usage (REGISTER to sign up, SIGN_IN to sign in; a code sent without a usage fits
    // both) and the contact the request names, so a wrong request is refused and never burns the token.
    auth.MapPost("/signup", async (HttpRequest request, IVerificationService service, DemoAccounts accounts) =>
    {
        var (contact, error) = await RedeemAsync(request, service, VerificationUsage.Register);
        if (error is not null)
        {
            return error;
        }

        return accounts.TryCreate(contact!, out var account)
            ? VerificationHttpResults.Json(new AccountAnswer(account.UserId, account.Contact, "signed_up"), SampleJsonContext.Default.AccountAnswer)
            : VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.AlreadyExists, "An account already exists for this contact; sign in instead."));
    }).WithSummary("Sign up with a verification token").WithName("SignUp");

    auth.MapPost("/signin", async (HttpRequest request, IVerificationService service, DemoAccounts accounts) =>
    {
        var (contact, error) = await RedeemAsync(request, service, VerificationUsage.SignIn);
        if (error is not null)
        {
            return error;
        }

        return accounts.Find(contact!) is { } account
            ? VerificationHttpResults.Json(new AccountAnswer(account.UserId, account.Contact, "signed_in"), SampleJsonContext.Default.AccountAnswer)
            : VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.UserNotFound, "No account exists for this contact; sign up instead."));
    }).WithSummary("Sign in with a verification token").WithName("SignIn");
}

// Readiness (management port only, see above): 200 with {"status":"ok"} when every check is healthy, 200 "degraded",
// or 503 "unhealthy"; each check's status and description (never an exception's details) under "checks".
app.MapHealthChecks("/healthz", new HealthCheckOptions
{
    Predicate = static check => check.Tags.Contains("verification"),
    ResponseWriter = static (context, report) => HealthAnswer.WriteAsync(context, report),
});

// Liveness, public: answers at once without running any check. benchmarks/run.sh also uses it as
// the trivial JSON endpoint that the send endpoint's requests per second are compared with.
app.MapGet("/ping", static () => TypedResults.Json(new PingAnswer("ok"), SampleJsonContext.Default.PingAnswer)).ExcludeFromDescription();

// Everything else answers JSON too, so API clients never see an HTML error page.
app.MapFallback("{*path}", static () => VerificationHttpResults.NotFound()).ExcludeFromDescription();

app.Run();

// Reads {"verification_token", "phone_number"?, "email"?} whatever the content type and redeems the token once,
// if it was issued for this usage and (when the body names one) this contact: a token that does not fit is refused
// (invalid_verification_token, reason usage_mismatch or contact_mismatch) and stays redeemable. The error, when there
// is one, is ready to return.
static async Task<(VerifiedContact? Contact, IResult? Error)> RedeemAsync(HttpRequest request, IVerificationService service, VerificationUsage usage)
{
    var body = await VerificationRequestBody.ReadAsync(request, SampleJsonContext.Default.RedeemBody, request.HttpContext.RequestAborted);
    if (!body.Succeeded)
    {
        return (null, VerificationHttpResults.Error(body.Error));
    }

    var expectedContact = !string.IsNullOrWhiteSpace(body.Value.PhoneNumber) ? body.Value.PhoneNumber : body.Value.Email;
    var redeemed = await service.RedeemVerificationTokenAsync(
        body.Value.VerificationToken ?? string.Empty, usage, string.IsNullOrWhiteSpace(expectedContact) ? null : expectedContact, request.HttpContext.RequestAborted);
    return redeemed.Succeeded ? (redeemed.Value, null) : (null, VerificationHttpResults.Error(redeemed.Error));
}

/// <summary>Lets tests start the sample in-process.</summary>
public partial class Program;
