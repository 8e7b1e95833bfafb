# Camera: vivid found by card name, YUYV at 640x480 with 1/30 s asked (vivid gives 1/25), 30 frames;
# then GREY by device path, then the planar YUV 4:2:0 path used for MJPEG cameras. The gray frames are saved for the host to check vivid's colour bars.
edge-devices camera --card vivid --format YUYV --width 640 --height 480 --fps 30 --frames 30 \
    --output yuyv.pgm >yuyv.txt 2>&1
echo "$?" >yuyv.status
edge-devices camera --device /dev/video0 --format GREY --width 320 --height 240 --fps 30 --frames 10 \
    --output grey.pgm >grey.txt 2>&1
echo "$?" >grey.status
# MJPEG asks libv4l for planar YUV 4:2:0 (what it decodes MJPEG into); vivid has YU12 natively.
edge-devices camera --device /dev/video0 --format MJPEG --width 640 --height 480 --fps 30 --frames 10 \
    --output yu12.pgm >yu12.txt 2>&1
echo "$?" >yu12.status
cat yuyv.txt grey.txt yu12.txt

# Unplug and replug while streaming: unbinding vivid's platform device removes its video nodes under the
# open file (what a USB disconnect does); binding it again brings /dev/video0 back. The capture must
# report the loss, reconnect by card name and still deliver every frame asked for.
edge-devices camera --card vivid --format YUYV --width 640 --height 480 --fps 30 --frames 75 >replug.txt 2>&1 &
pid=$!
sleep 2
echo vivid.0 >/sys/bus/platform/drivers/vivid/unbind && echo unbound >>replug.events
sleep 1.5
echo vivid.0 >/sys/bus/platform/drivers/vivid/bind && echo bound >>replug.events
wait "$pid"
echo "$?" >replug.status
cat replug.txt
