using System.Collections;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.Extensions;

/// <summary>
/// The service collection a tenant's builder writes to: registrations of the parts an engine is made of (senders,
/// store, user directory, captcha validator, message renderer and wording) become services keyed with the tenant's
/// name, and the builder sees only the tenant's own, so that every <c>Add…</c> and <c>Use…</c> (the library's and the
/// adapter packages', which register through <see cref="IVerificationBuilder.Services"/>) applies to that tenant
/// alone; everything else (options, HTTP clients, the adapters' own types) goes to the app's collection unchanged.
/// </summary>
internal sealed class TenantServiceCollection(IServiceCollection services, string name) : IServiceCollection
{
    /// <summary>The service types of an engine's parts, which tenants register keyed.</summary>
    private static readonly HashSet<Type> PartTypes =
    [
        typeof(ISmsSender), typeof(IEmailSender), typeof(ICodeStore), typeof(IUserDirectory), typeof(ICaptchaValidator),
        typeof(IVerificationMessageRenderer), typeof(MessageLocalizerPart),
    ];

    /// <summary>The tenant's keyed registrations, each with the unkeyed descriptor the builder added and sees.</summary>
    private readonly Dictionary<ServiceDescriptor, ServiceDescriptor> _asAdded = new(ReferenceEqualityComparer.Instance);

    public int Count => View().Count;

    public bool IsReadOnly => services.IsReadOnly;

    public ServiceDescriptor this[int index]
    {
        get => View()[index];
        set
        {
            var replaced = Actual(View()[index]);
            _asAdded.Remove(replaced);
            services[services.IndexOf(replaced)] = Keyed(value);
        }
    }

    public void Add(ServiceDescriptor item) => services.Add(Keyed(item));

    public void Clear()
    {
        foreach (var item in View())
        {
            Remove(item);
        }
    }

    public bool Contains(ServiceDescriptor item) => View().Contains(item);

    public void CopyTo(ServiceDescriptor[] array, int arrayIndex) => View().CopyTo(array, arrayIndex);

    public IEnumerator<ServiceDescriptor> GetEnumerator() => View().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(ServiceDescriptor item) => View().IndexOf(item);

    public void Insert(int index, ServiceDescriptor item)
    {
        var view = View();
        services.Insert(index < view.Count ? services.IndexOf(Actual(view[index])) : services.Count, Keyed(item));
    }

    public bool Remove(ServiceDescriptor item)
    {
        var actual = Actual(item);
        _asAdded.Remove(actual);
        return services.Remove(actual);
    }

    public void RemoveAt(int index) => Remove(View()[index]);

    /// <summary>What the builder sees: the app's registrations without other registrations of parts, and the tenant's parts as added.</summary>
    private List<ServiceDescriptor> View()
    {
        var view = new List<ServiceDescriptor>(services.Count);
        foreach (var descriptor in services)
        {
            if (_asAdded.TryGetValue(descriptor, out var added))
            {
                view.Add(added);
            }
            else if (!PartTypes.Contains(descriptor.ServiceType))
            {
                view.Add(descriptor);
            }
        }

        return view;
    }

    private ServiceDescriptor Actual(ServiceDescriptor item) =>
        _asAdded.FirstOrDefault(pair => ReferenceEquals(pair.Value, item)).Key ?? item;

    /// <summary>A part registered unkeyed becomes the tenant's; anything else passes unchanged.</summary>
    private ServiceDescriptor Keyed(ServiceDescriptor item)
    {
        if (item.IsKeyedService || !PartTypes.Contains(item.ServiceType))
        {
            return item;
        }

        ServiceDescriptor keyed;
        if (item.ImplementationInstance is { } instance)
        {
            keyed = new ServiceDescriptor(item.ServiceType, name, instance);
        }
        else if (item.ImplementationFactory is { } factory)
        {
            keyed = new ServiceDescriptor(item.ServiceType, name, (sp, _) => factory(sp), item.Lifetime);
        }
        else
        {
            keyed = new ServiceDescriptor(item.ServiceType, name, item.ImplementationType!, item.Lifetime);
        }

        _asAdded[keyed] = item;
        return keyed;
    }
}
