// ui_app.h: the whole ConvLens window — one ImGui layout that fits 1280x800 and follows the window size.
//
//   left:   Data & model (data set, loading bar, presets, summary table) and Training (settings, Start / Pause /
//           Step / Reset, epoch progress with samples/s and ETA, the Keras log)
//   centre: Feature maps of the probe: Live grid | Before vs after | Evolution timeline | Filters
//   right:  Probe (test image or a drawn digit, prediction bars, Grad-CAM) and, as tabs, Curves (loss and
//           accuracy) and Mistakes (the confusion matrix and the most confident mistakes)
//   narrow: below 900 points wide (phones, tablets, narrow iframes), one screen-sized window whose tabs are the
//           same panels at full width: Train, Feature maps, Probe, Results
//
// Panels read the Lab and draw; the only state here is how things are viewed (UiState). Not here: GL, SDL,
// files, the JS API (src/platform).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "lab.h"
#include "lab_json.h"
#include "lab_export.h"
#include "ui_map_view.h"
#include "ui_text.h"

namespace convlens {

enum class MapsTab { Live, BeforeAfter, Timeline, Filters };
enum class ExplainKind { GradCam, Saliency };

struct UiState {
  bool embed = false;                     // compact layout for iframes (?embed=1)
  std::vector<std::string> warnings;      // ignored URL parameters, shown until dismissed
  bool warnings_open = true;
  int max_threads = 1;                    // engine threads the platform can give; 1 = no choice to offer
  // Keeping the model, as the platform does it (a download and a file picker in the browser, a file beside the
  // desktop app); the buttons show only where they are set.
  std::function<void()> save_model, load_model;
  std::function<void()> share_link;       // "Copy link": the settings as a URL (the browser only)
  // The trained model kept in the browser's storage for the next visit (opt-in; the browser only): after each
  // run when keep_model_on, and offered back (Restore / Forget) while a kept one is there.
  struct KeptModel {
    bool present = false;
    std::string when, model, dataset;     // as the page stored them
    int epochs = 0;
    double accuracy = 0, megabytes = 0;   // validation accuracy in [0, 1]
  };
  std::function<void(bool)> keep_model;   // opts in or out
  std::function<void()> restore_model, forget_model;
  bool keep_model_on = false;
  KeptModel kept;
  // Saving what the learner keeps (lab_export.h) as a download in the browser, a file beside the desktop app.
  std::function<void(const std::string& name, const std::string& text)> save_text;
  std::function<void(const std::string& name, const RgbaImage& image)> save_image;
  // Data sets the platform can fetch (the site's, or folders on disk); the menu offers the others that are not
  // bundled from the user's disk where pick_data_files is set (the browser's file picker, for a data set id).
  std::vector<std::string> served;
  std::function<void(const std::string&)> pick_data_files;
  std::string import_what;                // an upload being unpacked, and how far (-1: none)
  double import_fraction = -1;

  // Feature maps
  int layer = 0;                          // the book's idx
  MapViewOptions view;                    // n_cols, cell size (fig_width), normalisation, colour map
  int compare_snapshot = -1;              // "after" side of Before vs after; -1 = latest
  int timeline = -1;                      // scrubbed snapshot; -1 = follow the latest
  bool playing = false;                   // timeline play button
  double play_clock = 0;
  float play_speed = 3;                   // snapshots per second
  int filter_layer = 0;                   // Filters tab: which conv layer
  int film_channel = 0;                   // the map the timeline's filmstrip follows (in `layer`)

  // Textures of the grids on screen, per layer (freed with the UiState, before the GL context goes).
  MapsTab maps_tab = MapsTab::Live;       // the tab shown (what Save PNG saves)
  TexturePool live_tex, before_tex, after_tex, timeline_tex, filter_tex;
  bool filters_in_colour = true;          // a colour model's first filters as RGB patches
  MapTexture colour_filter_tex;
  TexturePool film_tex;                   // one per snapshot

  // Probe
  MapTexture probe_tex;                   // the probe image, keyed by the probe version
  std::vector<float> pad;                 // the drawing pad (H, W) in [0, 1]
  bool drawing = false;                   // the pad is the probe
  int last_test_probe = 0;                // restored when leaving the pad
  int by_class = 0;                       // "next image of class" picker

  // Grad-CAM over the probe (explain.h)
  bool cam_show = false;                  // the probe's explanation over it (?gradcam=1)
  ExplainKind explain = ExplainKind::GradCam;
  int cam_layer = -1;                     // -1: the last conv layer
  int cam_class = -1;                     // -1: the predicted class
  float cam_opacity = 0.6f;
  bool cam_every_class = false;           // a small overlay per class: "why 7 and not 1?"
  MapTexture cam_tex;                     // keyed by the maps' version, layer and class
  MapTexture cam_class_tex[10];
  TexturePool cam_timeline_tex;           // the explanation after each epoch, on the timeline

  // Mistakes
  int confusion_epoch = -1;               // the epoch whose confusion matrix is shown; -1 = the latest
  MapTexture mistakes_tex;                // the gallery's images in one texture

  // Model editor
  char model_text[256] = "mnist";        // the spec field (a preset name or a spec)
  std::string model_shown;                // the settings' model when model_text was last filled from it
  std::string model_error;

  std::vector<ScreenBox> marks;           // this frame's marked items (ui_mark), for layout checks
};

// Draws one frame of the UI for `lab`. `dt` is the frame time in seconds.
void ui_draw(Lab& lab, UiState& ui, double dt);

// Panels (ui_panel_*.cpp), each drawn inside a window the layout placed.
void ui_panel_data_model(Lab& lab, UiState& ui);
void ui_panel_training(Lab& lab, UiState& ui);
void ui_panel_maps(Lab& lab, UiState& ui, double dt);
void ui_panel_probe(Lab& lab, UiState& ui);
void ui_panel_curves(const Lab& lab, UiState& ui);
void ui_panel_mistakes(Lab& lab, UiState& ui);

// The probe's explanation (ui.explain: Grad-CAM of ui.cam_layer, or saliency) for `class_index` (< 0: the
// predicted class) under the weights after `epoch` (< 0: the current ones), as a heat-map texture refilled when
// what it shows changes (no texture if the run no longer keeps that epoch's weights); and drawn over [min, max].
void ui_upload_explanation(Lab& lab, const UiState& ui, MapTexture& tex, int class_index, int epoch);
void ui_draw_overlay(const MapTexture& tex, ImVec2 min, ImVec2 max, float opacity);

// Layout checks (the page's layout()): the last frame's top-level panels, the windows whose content is wider
// than they are with no horizontal scroll bar (cut off), and the marked items' visible parts.
struct UiLayout {
  float width = 0, height = 0;  // the display, in points
  std::vector<ScreenBox> windows, clipped, marks;
};
UiLayout ui_layout(const UiState& ui);
// Marks the last item (its part inside the window's visible area) under `name`.
void ui_mark(UiState& ui, const char* name);
// ImGui::BeginTabItem of `label` in the UI's language, with an ImGui ID that stays `id` in every language;
// the tab is marked as "tab <id>".
bool ui_tab(UiState& ui, Text label, const char* id);

// Puts the next item on the current line if `width` (ui_item_width) still fits there, else on a new one: rows
// of controls that wrap in narrow panels. `spacing` < 0: the style's.
void ui_same_line_if_fits(float width, float spacing = -1);
// The width of an item `item_width` wide with `label` after it.
float ui_item_width(float item_width, const char* label);

// Class names of the loaded data set ("0".."9" or "T-shirt/top", ...).
const char* ui_class_name(const Lab& lab, int k);

}  // namespace convlens
