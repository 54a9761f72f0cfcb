fn main() {
    stagecraft::ui::start();
}
