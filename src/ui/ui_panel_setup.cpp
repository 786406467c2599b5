// ui_panel_setup.cpp: the left column — Data & model (data set, loading bar, presets, the summary table) and
// Training (settings, Start / Pause / Step / Reset, epoch progress with samples/s and ETA, the Keras log).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "imgui.h"
#include "kernels/threads.h"
#include "ui_app.h"

namespace convlens {
namespace {

// Sliders show the part of a setting's range people use; a value typed past them (Ctrl+click) is taken when the
// setting's range (trainer.h, optimizer.h) allows it, else the old value stays.
void slider_int(const char* label, int& value, WholeRange range, int shown_hi, ImGuiSliderFlags flags) {
  int v = value;
  if (ImGui::SliderInt(label, &v, int(range.lo), shown_hi, "%d", flags) && range.contains(v)) value = v;
}

void slider_float(const char* label, float& value, RealRange range, float shown_lo, float shown_hi, const char* format,
                  ImGuiSliderFlags flags) {
  float v = value;
  if (ImGui::SliderFloat(label, &v, shown_lo, shown_hi, format, flags) && range.contains(v)) value = v;
}

bool editable(const Lab& lab) {
  return lab.state() == LabState::Ready || lab.state() == LabState::Done || lab.state() == LabState::Error;
}

std::string thousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string duration(double seconds) {
  char buf[32];
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const int s = int(seconds + 0.5);
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ds", s);
  return buf;
}

// The Keras summary's table: its columns as wide as their text, scrolled sideways in a narrow panel.
void summary_table(const Model& model) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_ScrollX;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float row = ImGui::GetTextLineHeight() + 2 * style.CellPadding.y;
  const float height = float(model.layers.size() + 1) * row + style.ScrollbarSize + 2;
  if (!ImGui::BeginTable("summary", 3, flags, ImVec2(0, height))) return;
  ImGui::TableSetupColumn("Layer");
  ImGui::TableSetupColumn("Output shape");
  ImGui::TableSetupColumn("Params");
  ImGui::TableHeadersRow();
  size_t total = 0;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    total += l.param_count();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu %s", i, l.name.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s)", l.name.c_str(), layer_kind_class(l.spec.kind));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.out.to_keras().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(thousands(l.param_count()).c_str());
  }
  ImGui::EndTable();
  ImGui::Text("Total params: %s", thousands(total).c_str());
  ImGui::TextDisabled("%.1f MFLOP per training sample", model_flops_per_sample(model, true) / 1e6);
}

void apply_model(Lab& lab, UiState& ui, const std::string& text) {
  const std::string before = lab.settings().model;
  lab.settings().model = text;
  Status s = lab.reset();
  if (s.ok()) {
    ui.model_error.clear();
    ui.layer = std::min(ui.layer, int(lab.model().layers.size()) - 1);
    return;
  }
  ui.model_error = s.error;
  lab.settings().model = before;
  lab.reset();
}

// The opt-in to keep the trained model in this browser, and the offer of the one kept on an earlier visit.
void kept_model(const Lab& lab, UiState& ui) {
  bool on = ui.keep_model_on;
  if (ImGui::Checkbox("Keep the model in this browser", &on)) ui.keep_model(on);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("After each run its weights (%.1f MB) stay in this browser's storage, not on any server,\n"
                      "and are offered back on your next visit.", double(lab.model_file_bytes()) / 1048576.0);
  const UiState::KeptModel& k = ui.kept;
  if (!k.present) return;
  ImGui::TextWrapped("Kept: %d epoch%s on %s, validation accuracy %.1f%%, %s (%.1f MB).", k.epochs,
                     k.epochs == 1 ? "" : "s", k.dataset.c_str(), 100 * k.accuracy, k.when.c_str(), k.megabytes);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("model %s", k.model.c_str());
  ImGui::BeginDisabled(lab.state() == LabState::Loading);
  if (ImGui::Button("Restore")) ui.restore_model();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Its settings and weights become the current run (Start trains on).");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Forget")) ui.forget_model();
}

}  // namespace

void ui_panel_data_model(Lab& lab, UiState& ui) {
  if (lab.settings().model != ui.model_shown) {  // changed elsewhere: the URL, the API, a new data set's preset
    ui.model_shown = lab.settings().model;
    std::snprintf(ui.model_text, sizeof ui.model_text, "%s", ui.model_shown.c_str());
  }
  if (!ImGui::CollapsingHeader("Data & model", ui.embed ? 0 : ImGuiTreeNodeFlags_DefaultOpen)) return;
  const bool can_edit = editable(lab);
  ImGui::BeginDisabled(!can_edit);
  const DatasetInfo* current = dataset_info(lab.settings().dataset);
  ImGui::SetNextItemWidth(-80);
  if (ImGui::BeginCombo("data set", current ? current->title.c_str() : "")) {
    for (const DatasetInfo& d : datasets()) {
      const bool served = std::find(ui.served.begin(), ui.served.end(), d.id) != ui.served.end();
      if (served && ImGui::Selectable(d.title.c_str(), &d == current)) {
        lab.settings().dataset = d.id;
        lab.reset();  // the platform fetches it
      } else if (!served && !d.bundled && ui.pick_data_files &&
                 ImGui::Selectable((d.title + " from your disk...").c_str())) {
        ui.pick_data_files(d.id);
      }
      if (!served && !d.bundled && ImGui::IsItemHovered())
        ImGui::SetTooltip("This site does not serve %s: choose its archive (%s) or its files,\n"
                          "or drop them on the page. They are read here, never uploaded.",
                          d.title.c_str(), d.archive.c_str());
    }
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();
  if (ui.import_fraction >= 0) {
    char label[160];
    std::snprintf(label, sizeof label, "%s  %.0f%%", ui.import_what.c_str(), ui.import_fraction * 100);
    ImGui::ProgressBar(float(ui.import_fraction), ImVec2(-1, 0), label);
  }

  if (lab.state() == LabState::Loading) {
    char label[160];
    std::snprintf(label, sizeof label, "%s  %.0f%%", lab.loading_what().c_str(), lab.loading_fraction() * 100);
    ImGui::ProgressBar(float(lab.loading_fraction()), ImVec2(-1, 0), label);
    return;
  }
  if (lab.has_data()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("%s train, %s test images %s", thousands(lab.train_data().size()).c_str(),
                       thousands(lab.test_data().size()).c_str(), lab.train_data().shape.to_keras("N").c_str());
    ImGui::PopStyleColor();
  }

  ImGui::BeginDisabled(!can_edit);
  const std::string preset = current ? current->model : LabSettings().model;  // the book's CNN for this data
  if (ImGui::Button("Book's CNN")) apply_model(lab, ui, preset);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", spec_preset_text(preset).c_str());
  ImGui::SameLine();
  if (ImGui::Button("Tiny (fast)")) {
    std::snprintf(ui.model_text, sizeof ui.model_text, "conv8k5-pool2-conv16k5-pool2-flat-dense10");
    apply_model(lab, ui, ui.model_text);
  }
  ImGui::SetNextItemWidth(-50);
  if (ImGui::InputText("spec", ui.model_text, sizeof ui.model_text, ImGuiInputTextFlags_EnterReturnsTrue))
    apply_model(lab, ui, ui.model_text);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A preset (mnist) or layers joined by '-': conv<F>k<K>, pool<P>, drop<R>, flat, dense<U>.\n"
                      "Press Enter to build it.");
  ImGui::EndDisabled();
  if (!ui.model_error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", ui.model_error.c_str());
  if (!lab.model().layers.empty()) summary_table(lab.model());
}

void ui_panel_training(Lab& lab, UiState& ui) {
  if (!ImGui::CollapsingHeader("Training", ImGuiTreeNodeFlags_DefaultOpen)) return;
  LabSettings& s = lab.settings();
  const bool can_edit = editable(lab);
  ImGui::BeginDisabled(!can_edit);
  ImGui::PushItemWidth(-110);
  TrainConfig& t = s.train;
  int opt = t.optimizer.kind == OptimizerKind::SGD ? 1 : 0;
  if (ImGui::Combo("optimizer", &opt, "Adam\0SGD + momentum\0")) t.optimizer.kind = opt ? OptimizerKind::SGD : OptimizerKind::Adam;
  slider_float("learning rate", t.optimizer.lr, kLrRange, 1e-5f, 1.0f, "%.5f", ImGuiSliderFlags_Logarithmic);
  if (t.optimizer.kind == OptimizerKind::SGD)
    slider_float("momentum", t.optimizer.momentum, kMomentumRange, 0.0f, 0.99f, "%.2f", 0);
  slider_int("batch size", t.batch, kBatchRange, 512, ImGuiSliderFlags_Logarithmic);
  slider_int("epochs", t.epochs, kEpochsRange, 50, 0);
  slider_float("validation split", t.val_split, kValSplitRange, 0.0f, 0.9f, "%.2f", 0);
  int subset = int(std::min<size_t>(t.subset, INT_MAX));
  const int total = int(lab.train_data().size());
  ImGui::SliderInt("samples", &subset, 0, std::max(total, 1), subset == 0 ? "all" : "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Use only the first N training images for quick runs (0 = all).");
  if (kSubsetRange.contains(subset)) t.subset = size_t(subset);
  int seed = int(t.seed % 1000000);
  if (ImGui::InputInt("seed", &seed)) {
    t.seed = uint64_t(std::max(seed, 0));
    lab.reset();  // new initial weights
  }
  ImGui::PopItemWidth();
  ImGui::EndDisabled();
  if (ui.max_threads > 1) {  // the threaded build: the engine's threads, changeable while training
    ImGui::PushItemWidth(-110);
    int threads = engine_threads();
    if (ImGui::SliderInt("threads", &threads, 1, ui.max_threads)) lab.set_threads(threads);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Threads that train (one per core at most). Results are the same for any number.");
    ImGui::PopItemWidth();
  }

  // Start / Pause / Step / Reset
  const LabState st = lab.state();
  ImGui::BeginDisabled(st == LabState::Loading);
  if (st == LabState::Training) {
    if (ImGui::Button("Pause", ImVec2(80, 0))) lab.pause();
  } else {
    const char* label = st == LabState::Paused ? "Resume" : (st == LabState::Done ? "Train again" : "Start");
    if (ImGui::Button(label, ImVec2(80, 0))) lab.train();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(st == LabState::Training);
  if (ImGui::Button("Step")) lab.step(1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Train one batch, then pause.");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Reset")) lab.reset();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("New initial weights from the seed; clears the history.");
  ImGui::EndDisabled();
  if (ui.save_model && ui.load_model) {
    ImGui::BeginDisabled(st == LabState::Loading);
    if (ImGui::Button("Save model")) ui.save_model();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The current weights as a file that 'convlens eval --load' and Load model read.");
    ImGui::SameLine();
    if (ImGui::Button("Load model")) ui.load_model();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Weights saved by this page or 'convlens train --save', for the model above: a new run\n"
                        "starts from them (the maps show what they learned; Start trains on).");
    if (ui.share_link) {
      ImGui::SameLine();
      if (ImGui::Button("Copy link")) ui.share_link();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("A link to this page with these settings, layer and probe.");
    }
    ImGui::EndDisabled();
  }
  if (ui.keep_model) kept_model(lab, ui);

  // Progress
  const Lab::Metrics m = lab.metrics();
  if (lab.started()) {
    char label[128];
    const bool validating = lab.view().train_state == TrainState::Validating;
    std::snprintf(label, sizeof label, "epoch %d/%d  %s %d/%d", m.epoch, m.epochs, validating ? "validating" : "batch",
                  m.batch, m.batches_per_epoch);
    ImGui::ProgressBar(float(m.epoch_progress), ImVec2(-1, 0), label);
    ImGui::Text("%.0f samples/s   ETA %s", m.throughput > 0 ? m.throughput : m.samples_per_sec,
                st == LabState::Training ? duration(m.eta_seconds).c_str() : "-");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%.0f samples/s while computing; %.0f per second of wall time, drawing included.\n"
                        "ETA: the epochs left at the wall-clock rate.", m.samples_per_sec, m.throughput);
    ImGui::Text("loss %.4f  acc %.4f", m.loss, m.acc);
    if (!lab.view().history.empty()) {
      ImGui::SameLine();
      ImGui::Text("  val_loss %.4f  val_acc %.4f", m.val_loss, m.val_acc);
    }
  } else if (st == LabState::Ready) {
    ImGui::TextDisabled("Press Start to train.");
    if (ui.measured_rate > 0) {  // samples per second of wall time in the last run on this page
      const double per_epoch = double(s.train.subset > 0 ? std::min<size_t>(s.train.subset, lab.train_data().size())
                                                   : lab.train_data().size());
      ImGui::TextWrapped("An epoch took about %s here (%.0f samples/s measured).", duration(per_epoch / ui.measured_rate).c_str(),
                         ui.measured_rate);
    }
  }
  if (m.throughput > 0) ui.measured_rate = m.throughput;
  if (lab.testing()) {
    ImGui::ProgressBar(float(lab.test_progress()), ImVec2(-1, 0), "evaluating on the test set");
  } else if (m.has_test) {
    ImGui::TextColored(ImVec4(0.5f, 1, 0.5f, 1), "test loss %.4f  test acc %.4f", m.test_loss, m.test_acc);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keras' model.evaluate on the %zu test images", lab.test_data().size());
  }
  if (st == LabState::Error) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", lab.error().c_str());

  // The Keras-style log
  ImGui::TextDisabled("Log");
  const float log_h = std::max(90.0f, ImGui::GetContentRegionAvail().y);  // the panel scrolls if it must
  ImGui::BeginChild("log", ImVec2(0, log_h), true, ImGuiWindowFlags_HorizontalScrollbar);
  for (const std::string& line : lab.log()) ImGui::TextUnformatted(line.c_str());
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
}

}  // namespace convlens
