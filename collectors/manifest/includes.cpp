// `include:` between manifests (see loader.h, resolve_includes): a platform
// takes the content of the platforms it names, transitively, before its own.
// Resolved after every manifest of a set is loaded, since an include names a
// platform, not a file. Each included platform is flattened into an ordered
// list first (each once, an included one before the one including it), so a
// platform reached twice (diamond includes) is merged once.
#include <algorithm>
#include <map>

#include "manifest/loader.h"

namespace vmsupport {
namespace {

std::string at(const Manifest& manifest, const IncludeSpec& include) {
  return manifest.source + ":" + std::to_string(include.mark.line) + ":" + std::to_string(include.mark.column);
}

template <typename T>
void append(std::vector<T>& into, const std::vector<T>& from) {
  into.insert(into.end(), from.begin(), from.end());
}

class Resolver {
 public:
  explicit Resolver(const std::vector<Manifest>& manifests) : m_manifests(manifests) {
    for (std::size_t i = 0; i < manifests.size(); ++i) m_index[manifests[i].platform] = i;
  }

  // Appends to `order` the platforms manifest `i` includes, transitively, each
  // once, each after the ones it includes. `chain` is the include path that
  // led here, for the cycle message.
  Result<void> flatten(std::size_t i, std::vector<std::string>& chain, std::vector<std::size_t>& order) const {
    const Manifest& own = m_manifests[i];
    chain.push_back(own.platform);
    for (const IncludeSpec& include : own.includes) {
      const auto it = m_index.find(include.platform);
      if (it == m_index.end()) {
        return fail(at(own, include), ": include: no manifest for platform '", include.platform, "' (known: ",
                    known(), ")");
      }
      if (std::find(chain.begin(), chain.end(), include.platform) != chain.end()) {
        std::string cycle;
        for (const std::string& name : chain) cycle += name + " -> ";
        return fail(at(own, include), ": include cycle: ", cycle, include.platform);
      }
      if (auto ok = flatten(it->second, chain, order); !ok) return ok;
      if (std::find(order.begin(), order.end(), it->second) == order.end()) order.push_back(it->second);
    }
    chain.pop_back();
    return {};
  }

  // Manifest `i` with the content of every platform it includes merged in.
  Result<Manifest> merged(std::size_t i) const {
    std::vector<std::string> chain;
    std::vector<std::size_t> order;
    if (auto ok = flatten(i, chain, order); !ok) return std::unexpected(ok.error());
    const Manifest& own = m_manifests[i];
    Manifest out = own;
    out.forbid.clear();
    out.inventory.clear();
    out.tracked.clear();
    out.history.clear();
    out.cores.clear();
    out.groups.clear();
    for (std::size_t k : order) {
      if (auto ok = add_groups(out, m_manifests[k], own); !ok) return std::unexpected(ok.error());
      add_lists(out, m_manifests[k]);
    }
    if (auto ok = add_groups(out, own, own); !ok) return std::unexpected(ok.error());
    add_lists(out, own);
    return out;
  }

 private:
  std::string known() const {
    std::string names;
    for (const Manifest& m : m_manifests) names += (names.empty() ? "" : ", ") + m.platform;
    return names;
  }

  static void add_lists(Manifest& into, const Manifest& from) {
    append(into.forbid, from.forbid);
    append(into.inventory, from.inventory);
    append(into.tracked, from.tracked);
    append(into.history, from.history);
    append(into.cores, from.cores);
  }

  // Adds `from`'s groups; a group id already there is an error located at the
  // later definition (the including manifest's own group, or its include line).
  static Result<void> add_groups(Manifest& into, const Manifest& from, const Manifest& own) {
    for (const GroupSpec& group : from.groups) {
      const auto first = std::find_if(into.groups.begin(), into.groups.end(),
                                      [&](const GroupSpec& g) { return g.id == group.id; });
      if (first == into.groups.end()) {
        into.groups.push_back(group);
        continue;
      }
      const std::string where = &from == &own ? own.source + ":" + std::to_string(group.mark.line) + ":" +
                                                    std::to_string(group.mark.column)
                                              : own.source;
      return fail(where, ": group id '", group.id, "' is also defined by an included manifest (", first->mark.file,
                  ":", first->mark.line, ")");
    }
    return {};
  }

  const std::vector<Manifest>& m_manifests;
  std::map<std::string, std::size_t> m_index;
};

}  // namespace

Result<void> resolve_includes(std::vector<Manifest>& manifests) {
  std::vector<Manifest> resolved;
  const Resolver resolver(manifests);
  for (std::size_t i = 0; i < manifests.size(); ++i) {
    auto manifest = resolver.merged(i);
    if (!manifest) return std::unexpected(manifest.error());
    resolved.push_back(std::move(*manifest));
  }
  manifests = std::move(resolved);
  return {};
}

}  // namespace vmsupport
