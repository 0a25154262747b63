using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Verification.Identity;

namespace Verification.Identity.Tests;

/// <summary>The users of a test app: Identity's own EF Core schema on a real SQLite file.</summary>
internal sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : IdentityDbContext<IdentityUser>(options);

/// <summary>
/// A real app in the test process (TestServer): Identity with its bearer tokens and an EF Core SQLite store in a
/// file of its own, Verification with the fake senders of Verification.Testing and a clock the test moves, the
/// Identity user directory, and the sign-in endpoints. One per test.
/// </summary>
internal sealed class IdentityTestApp : IAsyncDisposable
{
    public const string Phone = "+86 15588665555";
    public const string PhoneE164 = "+8615588665555";
    public const string Email = "someone@example.com";

    private readonly WebApplication _app;
    private readonly string _directory;

    private IdentityTestApp(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public FakeSmsSender Sms => Services.GetRequiredService<FakeSmsSender>();

    public FakeEmailSender Mail => Services.GetRequiredService<FakeEmailSender>();

    public IVerificationService Verification => Services.GetRequiredService<IVerificationService>();

    public static async Task<IdentityTestApp> StartAsync(Action<IdentityVerificationOptions>? identity = null, Action<IdentityOptions>? identityOptions = null)
    {
        var directory = Directory.CreateTempSubdirectory("verification-identity-").FullName;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = directory });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();

        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDbContext<UsersDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(directory, "users.db")}"));
        builder.Services.AddIdentityApiEndpoints<IdentityUser>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = 3;
                identityOptions?.Invoke(o);
            })
            .AddEntityFrameworkStores<UsersDbContext>()
            .AddVerificationTokenProvider();
        builder.Services.AddVerification(o =>
            {
                o.Tokens.Algorithm = "HS256";
                o.Tokens.AllowEphemeralKey = true;
            })
            .UseFakes(o =>
            {
                o.ReplaceUserDirectory = false;
                o.TimeProvider = time;
            })
            .AddIdentityUsers<IdentityUser>(identity);

        var web = builder.Build();
        web.MapVerificationEndpoints();
        web.MapVerificationSignIn<IdentityUser>();
        await using (var scope = web.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UsersDbContext>().Database.EnsureCreatedAsync();
        }

        await web.StartAsync();
        return new IdentityTestApp(web, directory);
    }

    /// <summary>The clock the app runs on; the test moves it.</summary>
    public FakeTimeProvider Clock => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

    /// <summary>Sends a code to <paramref name="contact"/> and verifies it: the verification_token.</summary>
    public async Task<string> VerificationTokenAsync(string contact, string? usage = null)
    {
        var field = contact.Contains('@', StringComparison.Ordinal) ? "email" : "phone_number";
        var body = new Dictionary<string, string> { [field] = contact };
        if (usage is not null)
        {
            body["usage"] = usage;
        }

        var sent = await PostAsync("/auth/v1/verification", body);
        Assert.True(sent.RootElement.TryGetProperty("verification_id", out var id), sent.RootElement.ToString());
        var code = contact.Contains('@', StringComparison.Ordinal) ? Mail.LastCode : Sms.LastCode;
        var verified = await PostAsync("/auth/v1/verification/verify", new Dictionary<string, string>
        {
            ["verification_id"] = id.GetString()!,
            ["verification_code"] = code!,
        });
        return verified.RootElement.GetProperty("verification_token").GetString()!;
    }

    /// <summary>Posts a JSON body the way the CloudBase client does (text/plain) and parses the answer.</summary>
    public async Task<JsonDocument> PostAsync(string path, object body) => await ReadAsync(await SendAsync(path, body));

    public async Task<HttpResponseMessage> SendAsync(string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "text/plain");
        return await Client.PostAsync(path + "?client_id=test", content);
    }

    public static async Task<JsonDocument> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>A new scope's UserManager, for looking at what the endpoints stored.</summary>
    public async Task<T> WithUsersAsync<T>(Func<UserManager<IdentityUser>, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is removed with the temp folder later; nothing else depends on it.
        }
    }
}
