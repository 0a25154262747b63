using Microsoft.Extensions.DependencyInjection;

namespace Verification.Testing.Tests;

public sealed class FakeUserDirectoryTests
{
    [Fact]
    public async Task Add_AnySpelling_ExistsForTheNormalizedContact()
    {
        var users = new FakeUserDirectory();

        Assert.True(users.Add("+86 155 8866 5555"));
        Assert.False(users.Add("+8615588665555"));
        Assert.True(users.Add("Someone@Example.com"));

        Assert.True(await users.ExistsAsync(VerificationChannel.Sms, "+8615588665555"));
        Assert.True(await users.ExistsAsync(VerificationChannel.Email, "someone@example.com"));
        Assert.False(await users.ExistsAsync(VerificationChannel.Sms, "+8613800138000"));
        Assert.False(await users.ExistsAsync(VerificationChannel.Sms, "someone@example.com"));
        Assert.Equal(2, users.Count);
        Assert.True(users.Contains("+86-155-8866-5555"));
    }

    [Fact]
    public async Task Constructor_Contacts_AnAccountForEachInAnySpelling()
    {
        var users = new FakeUserDirectory("+86 155 8866 5555", "Someone@Example.com", "+8615588665555");

        Assert.Equal(2, users.Count);
        Assert.True(await users.ExistsAsync(VerificationChannel.Sms, "+8615588665555"));
        Assert.True(await users.ExistsAsync(VerificationChannel.Email, "someone@example.com"));
        Assert.False(await users.ExistsAsync(VerificationChannel.Sms, "+8613800138000"));
        Assert.Equal(0, new FakeUserDirectory().Count);
    }

    [Fact]
    public async Task Remove_ExistingUser_NoLongerExists()
    {
        var users = new FakeUserDirectory();
        users.Add("+8615588665555");

        Assert.True(users.Remove("+86 155 8866 5555"));
        Assert.False(users.Remove("+86 155 8866 5555"));
        Assert.False(await users.ExistsAsync(VerificationChannel.Sms, "+8615588665555"));

        users.Add("a@example.com");
        users.Clear();
        Assert.Equal(0, users.Count);
    }

    [Fact]
    public async Task FailWith_Exception_LookupsThrowUntilReset()
    {
        var users = new FakeUserDirectory();
        users.FailWith(new TimeoutException("database"));

        await Assert.ThrowsAsync<TimeoutException>(() => users.ExistsAsync(VerificationChannel.Sms, "+8615588665555").AsTask());

        users.FailWith(null);
        Assert.False(await users.ExistsAsync(VerificationChannel.Sms, "+8615588665555"));
    }

    [Fact]
    public async Task SendAsync_WithFakeDirectory_IsUserAndTargetsFollowIt()
    {
        using var provider = Fakes.Build();
        var service = provider.GetRequiredService<IVerificationService>();
        var users = provider.GetRequiredService<FakeUserDirectory>();

        var unknown = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone, Target: VerificationTarget.User));
        Assert.Equal(VerificationErrorCodes.UserNotFound, unknown.Error?.Code);

        users.Add(Fakes.Phone);
        var known = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone, Target: VerificationTarget.User));
        Assert.True(known.Succeeded, known.ToString());
        Assert.True(known.Value.IsUser);

        var email = await service.SendAsync(new VerificationRequest(Email: "new@example.com", Target: VerificationTarget.NotUser));
        Assert.True(email.Succeeded, email.ToString());
        Assert.False(email.Value.IsUser);

        users.FailWith(new InvalidOperationException("down"));
        var down = await service.SendAsync(new VerificationRequest(Email: "other@example.com"));
        Assert.Equal(VerificationErrorCodes.Unavailable, down.Error?.Code);
    }
}
