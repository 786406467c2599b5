// test_lab_maps.cpp: the Lab's cached probe maps (lab_maps.h) on their own: live maps recomputed only for new
// weights or a new probe (and throttled while training), snapshot maps taken from the snapshot or computed from
// its weights, probabilities that sum to 1 and agree with predict().
#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

#include "clock.h"
#include "lab_maps.h"

using namespace convlens;

namespace {

const char* const kSpec = "conv2k3-pool2-flat-dense3";  // on 8x8x1 images, 3 classes

}  // namespace

TEST_CASE("live maps are recomputed for new weights or a new probe, throttled while training", "[lab][maps]") {
  Result<Model> built = model_build(kSpec, {8, 8, 1}, 3);
  REQUIRE(built.ok());
  Model& model = built.value;
  model_init(model, 1);
  LabMaps maps;
  const std::vector<float> probe(64, 0.5f);
  const double computed = now_seconds();
  CHECK(maps.live(model, 1, probe, 1, false).size() == model.layers.size());
  const uint64_t v = maps.live_version();
  maps.live(model, 1, probe, 1, false);
  CHECK(maps.live_version() == v);      // nothing changed
  maps.live(model, 2, probe, 1, true);
  if (now_seconds() - computed < LabMaps::kLiveRefresh)  // (a machine stalled that long would refresh: fine)
    CHECK(maps.live_version() == v);    // new weights while training, within kLiveRefresh of the last maps
  const uint64_t w = maps.live_version();
  maps.live(model, 2, probe, 2, true);
  CHECK(maps.live_version() == w + 1);  // a new probe is shown at once
  maps.live(model, 3, probe, 2, false);
  CHECK(maps.live_version() == w + 2);  // not training: every change
  CHECK(maps.live(model, 3, std::vector<float>(5, 0.5f), 3, false).empty());  // a probe of another size

  const std::vector<float> p = LabMaps::probs(maps.live(model, 3, probe, 4, false));
  REQUIRE(p.size() == 3);
  CHECK(std::accumulate(p.begin(), p.end(), 0.0) == Approx(1.0));
  CHECK(maps.predict(model, probe.data()) == p);
  CHECK(LabMaps::probs({}).empty());
  CHECK(maps.predict(Model(), probe.data()).empty());
}

TEST_CASE("snapshot maps come from the snapshot for its probe, else from its weights", "[lab][maps]") {
  Result<Model> built = model_build(kSpec, {8, 8, 1}, 3);
  REQUIRE(built.ok());
  Model& model = built.value;
  model_init(model, 1);
  Model scratch = model;
  LabMaps maps;
  const std::vector<float> probe(64, 0.25f);
  Workspace ws;
  Snapshot s;
  s.step = 7;
  s.params = model.params;
  for (float& w : s.params) w = -w;  // other weights than the model's
  s.maps = model_feature_maps(model, ws, probe.data());  // not the snapshot's weights: tells the two apart
  CHECK(&maps.at_snapshot(s, true, scratch, probe, 1) == &s.maps);

  Model at_snapshot = model;
  at_snapshot.params = s.params;
  const std::vector<FeatureMap> want = model_feature_maps(at_snapshot, ws, probe.data());
  const std::vector<FeatureMap>& got = maps.at_snapshot(s, false, scratch, probe, 2);
  REQUIRE(got.size() == want.size());
  for (size_t l = 0; l < got.size(); ++l) CHECK(got[l].data == want[l].data);

  Snapshot thinned = s;  // a long run's snapshot that no longer keeps its weights
  thinned.step = 8;
  thinned.params = FloatBuffer();
  CHECK(maps.at_snapshot(thinned, false, scratch, probe, 2).empty());
}
